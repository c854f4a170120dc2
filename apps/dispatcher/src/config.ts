import { z } from 'zod';
import { ModelName } from '@ai/contracts';

const list = (value: string) =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

/**
 * `model=url[|url...]` pairs separated by commas. Several URLs for one model are called round-robin (for
 * local runs with more than one inference process and no balancer in front; in Kubernetes give the Service).
 */
const InferenceUrls = z
  .string()
  .min(1)
  .transform((value, ctx) => {
    const map: Record<string, string[]> = {};
    for (const pair of list(value)) {
      const at = pair.indexOf('=');
      const model = pair.slice(0, at).trim();
      const urls = pair.slice(at + 1).split('|').map((url) => url.trim()).filter(Boolean);
      const badUrl = urls.find((url) => !/^https?:\/\/[^\s/]+/.test(url));
      if (at <= 0 || !ModelName.safeParse(model).success || urls.length === 0 || badUrl) {
        ctx.addIssue({ code: 'custom', message: `expected model=http://host:port[|http://...] pairs, got "${pair}"` });
        return z.NEVER;
      }
      map[model] = urls;
    }
    return map;
  });

/** Every setting of the dispatcher, from the environment, with its description and default. */
export const DispatcherEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('HTTP port (0 picks a free one).'),
  HOST: z.string().default('0.0.0.0').describe('Interface to listen on.'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info').describe('winston log level.'),
  LOKI_URL: z.url().optional().describe('Also push logs to this Loki (e.g. http://loki:3100).'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').default('redis://127.0.0.1:6379').describe('Redis holding the queues.'),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('bull').describe('Redis key prefix of the queues (keys are <prefix>:<model>:wait ...).'),
  INFERENCE_URLS: InferenceUrls.default(() => ({ 'digits-cnn': ['http://127.0.0.1:8080'] })).describe(
    'model=url pairs, comma-separated; one queue per model. Several URLs for one model, separated by |, are called round-robin.',
  ),
  INFERENCE_REGISTRY: z.enum(['off', 'redis']).default('off').describe(
    'off: call the URLs of INFERENCE_URLS. redis: call the replicas that joined each model\'s set in REDIS_URL (inference with REGISTRY_REDIS_URL), read every REGISTRY_POLL_MS; INFERENCE_URLS then only names the models, and a model with no replica leaves its jobs waiting in Redis.',
  ),
  REGISTRY_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000).describe('How often the replica registry is read (INFERENCE_REGISTRY=redis).'),
  ROLE: z.enum(['all', 'api', 'worker']).default('all').describe('all: API and workers; api: HTTP only; worker: drains queues (serves only /health, /ready, /metrics).'),
  WORKER_PROCESSES: z.coerce.number().int().min(0).max(64).default(0).describe('Extra worker-only processes forked beside this one (restarted when they die).'),
  DRAIN_RATE: z.coerce.number().min(0).max(100_000).default(2).describe('Jobs per second per model, across all replicas (BullMQ limiter in Redis); 0 = unlimited.'),
  CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(8).describe('Inference calls in flight per model per process.'),
  ATTEMPTS: z.coerce.number().int().min(1).max(100).default(3).describe('Tries per job, including the first.'),
  BACKOFF_MS: z.coerce.number().int().min(0).max(3_600_000).default(1_000).describe('First retry delay; doubled each retry.'),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(1).max(3_600_000).default(30_000).describe('Timeout of one inference call.'),
  MAX_QUEUE_LENGTH: z.coerce.number().int().min(0).default(10_000).describe('Jobs not yet started per model beyond which /enqueue answers 429; 0 = no limit.'),
  CALLBACK_ALLOWLIST: z.string().default('127.0.0.1,localhost,*.svc.cluster.local').transform(list).describe(
    'Hosts callbacks may go to, comma-separated; *.suffix matches subdomains; * allows any.',
  ),
  CALLBACK_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5).describe('Deliveries tried per callback.'),
  SYNC_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(30_000).describe('POST /infer waits this long, then answers 504 with the job id.'),
  API_KEYS: z.string().optional().transform((v) => (v ? list(v) : [])).describe('When set, comma-separated keys; requests need Authorization: Bearer <key> (probes and /metrics excepted).'),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(16 * 1024 * 1024).describe('Largest request body; larger gets 413.'),
  STALLED_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000).describe('How often workers look for jobs whose worker died.'),
  LOCK_DURATION_MS: z.coerce.number().int().min(500).default(10_000).describe('Job lock lifetime; a killed worker\'s job is retried after it expires.'),
  COMPLETED_RETENTION_SECONDS: z.coerce.number().int().min(1).default(3_600).describe('Completed jobs stay readable by GET /jobs/:id this long...'),
  COMPLETED_RETENTION_COUNT: z.coerce.number().int().min(1).default(10_000).describe('...and at most this many per model.'),
  FAILED_RETENTION_SECONDS: z.coerce.number().int().min(1).default(7 * 86_400).describe('Failed jobs (the dead-letter set) stay this long...'),
  FAILED_RETENTION_COUNT: z.coerce.number().int().min(1).default(100_000).describe('...and at most this many per model.'),
  DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(120_000).default(0).describe('On SIGTERM, keep serving this long with /ready false (so load balancers stop routing here) before closing.'),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(25_000).describe('On SIGTERM, how long active jobs and requests may take to finish.'),
});
export type DispatcherConfig = z.output<typeof DispatcherEnv>;

/** Parses the environment once at start-up; a bad value throws a message naming the variable. */
export function parseDispatcherConfig(env: NodeJS.ProcessEnv = process.env): DispatcherConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = DispatcherEnv.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`invalid environment: ${problems.join('; ')}`);
}

/** The same defaults, for tests and in-process starts: `configFor({ REDIS_URL: ... })`. */
export function configFor(env: Record<string, string | number>): DispatcherConfig {
  return parseDispatcherConfig(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])));
}
