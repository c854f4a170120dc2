import { z } from 'zod';
import { ModelName } from '@ai/contracts';
import { InvalidEnvironment, parseEnv, serviceEnv, unknownEnvVariables, type UnknownEnvVariable } from '@ai/http-server';
import { DEFAULT_QUEUE_PREFIX, QUEUE_DEFAULTS } from '@ai/queue';
import { DEFAULT_RECONNECT } from '@ai/redis-link';

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
      const urls = pair
        .slice(at + 1)
        .split('|')
        .map((url) => url.trim())
        .filter(Boolean);
      const badUrl = urls.find((url) => !/^https?:\/\/[^\s/]+/.test(url));
      if (at <= 0 || !ModelName.safeParse(model).success || urls.length === 0 || badUrl) {
        ctx.addIssue({ code: 'custom', message: `expected model=http://host:port[|http://...] pairs, got "${pair}"` });
        return z.NEVER;
      }
      map[model] = urls;
    }
    return map;
  });

/** The model INFERENCE_URLS defaults to, and the one a bare INFERENCE_URL serves. */
const DEFAULT_MODEL = 'digits-cnn';

/** Every setting of the dispatcher, from the environment, with its description and default. */
export const DispatcherEnv = serviceEnv({ port: 3000 }).extend({
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379')
    .describe('Redis holding the queues.'),
  REDIS_RECONNECT_INITIAL_MS: z.coerce
    .number()
    .int()
    .min(10)
    .max(60_000)
    .default(DEFAULT_RECONNECT.initialMs)
    .describe('First wait before reconnecting to Redis; doubled after each failed attempt ...'),
  REDIS_RECONNECT_MAX_MS: z.coerce.number().int().min(100).max(300_000).default(DEFAULT_RECONNECT.maxMs).describe('... up to this. Reconnecting never stops.'),
  REDIS_STARTUP_WAIT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(600_000)
    .default(2_000)
    .describe('At start, how long to wait for Redis (already listening) before reporting it unreachable; the dispatcher starts either way.'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default(DEFAULT_QUEUE_PREFIX)
    .describe('Redis key prefix of the queues (keys are <prefix>:<model>:wait ...).'),
  INFERENCE_URLS: InferenceUrls.prefault(`${DEFAULT_MODEL}=http://127.0.0.1:8080`).describe(
    'model=url pairs, comma-separated; one queue per model. Several URLs for one model, separated by |, are called round-robin.',
  ),
  INFERENCE_URL: z
    .string()
    .min(1)
    .optional()
    .describe(
      `The single-model form of INFERENCE_URLS: the inference service's URL (several separated by |) for ${DEFAULT_MODEL}, or one model=url pair. Not together with INFERENCE_URLS.`,
    ),
  INFERENCE_REGISTRY: z
    .enum(['off', 'redis'])
    .default('off')
    .describe(
      "off: call the URLs of INFERENCE_URLS. redis: call the replicas that joined each model's set in REDIS_URL (inference with REGISTRY_REDIS_URL), read every REGISTRY_POLL_MS; INFERENCE_URLS then only names the models, and a model with no replica leaves its jobs waiting in Redis.",
    ),
  REGISTRY_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000).describe('How often the replica registry is read (INFERENCE_REGISTRY=redis).'),
  ROLE: z
    .enum(['all', 'api', 'worker'])
    .default('all')
    .describe('all: API and workers; api: HTTP only; worker: drains queues (serves only the probes and /metrics).'),
  WORKER_PROCESSES: z.coerce.number().int().min(0).max(64).default(0).describe('Extra worker-only processes forked beside this one (restarted when they die).'),
  DRAIN_RATE: z.coerce
    .number()
    .min(0)
    .max(100_000)
    .default(2)
    .describe('Jobs per second per model, across all replicas (BullMQ limiter in Redis); 0 = unlimited.'),
  CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(QUEUE_DEFAULTS.concurrency).describe('Inference calls in flight per model per process.'),
  ATTEMPTS: z.coerce.number().int().min(1).max(100).default(QUEUE_DEFAULTS.attempts).describe('Tries per job, including the first.'),
  BACKOFF_MS: z.coerce.number().int().min(0).max(3_600_000).default(QUEUE_DEFAULTS.backoffMs).describe('First retry delay; doubled each retry.'),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(1).max(3_600_000).default(QUEUE_DEFAULTS.upstreamTimeoutMs).describe('Timeout of one inference call.'),
  MAX_QUEUE_LENGTH: z.coerce.number().int().min(0).default(10_000).describe('Jobs not yet started per model beyond which /enqueue answers 429; 0 = no limit.'),
  CALLBACK_ALLOWLIST: z
    .string()
    .default('127.0.0.1,localhost,*.svc.cluster.local')
    .transform(list)
    .describe('Hosts callbacks may go to, comma-separated; *.suffix matches subdomains; * allows any.'),
  CALLBACK_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(QUEUE_DEFAULTS.callbackAttempts).describe('Deliveries tried per callback.'),
  SYNC_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(30_000).describe('POST /infer waits this long, then answers 504 with the job id.'),
  API_KEYS: z
    .string()
    .optional()
    .transform((v) => (v ? list(v) : []))
    .describe('When set, comma-separated keys; requests need Authorization: Bearer <key> (probes and /metrics excepted).'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(16 * 1024 * 1024)
    .describe('Largest request body; larger gets 413.'),
  STALLED_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(QUEUE_DEFAULTS.stalledIntervalMs)
    .describe('How often workers look for jobs whose worker died.'),
  LOCK_DURATION_MS: z.coerce
    .number()
    .int()
    .min(500)
    .default(QUEUE_DEFAULTS.lockDurationMs)
    .describe("Job lock lifetime; a killed worker's job is retried after it expires."),
  COMPLETED_RETENTION_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(QUEUE_DEFAULTS.completedAgeSeconds)
    .describe('Completed jobs stay readable by GET /jobs/:id this long...'),
  COMPLETED_RETENTION_COUNT: z.coerce.number().int().min(1).default(QUEUE_DEFAULTS.completedCount).describe('...and at most this many per model.'),
  FAILED_RETENTION_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(QUEUE_DEFAULTS.failedAgeSeconds)
    .describe('Failed jobs (the dead-letter set) stay this long...'),
  FAILED_RETENTION_COUNT: z.coerce.number().int().min(1).default(QUEUE_DEFAULTS.failedCount).describe('...and at most this many per model.'),
});
export type DispatcherConfig = z.output<typeof DispatcherEnv>;

/**
 * Parses the environment once at start-up; a bad value throws a message naming the variable. INFERENCE_URL, the
 * single-model form, is read as INFERENCE_URLS (and named as itself when its value is bad).
 */
export function parseDispatcherConfig(env: NodeJS.ProcessEnv | Record<string, string | number> = process.env): DispatcherConfig {
  const given = Object.fromEntries(
    Object.entries(env)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => [k, String(v)]),
  );
  const alias = given.INFERENCE_URL;
  if (alias === undefined) return parseEnv(DispatcherEnv, given);
  if (given.INFERENCE_URLS !== undefined) throw new InvalidEnvironment(['INFERENCE_URL and INFERENCE_URLS are both set; give one of them']);
  try {
    return parseEnv(DispatcherEnv, { ...given, INFERENCE_URLS: alias.includes('=') ? alias : `${DEFAULT_MODEL}=${alias}` });
  } catch (error) {
    if (!(error instanceof InvalidEnvironment)) throw error;
    throw new InvalidEnvironment(error.problems.map((problem) => problem.replace(/^INFERENCE_URLS:/, 'INFERENCE_URL:')));
  }
}

/** Variables that look meant for the dispatcher but are none of its settings (logged as warnings at start-up). */
export function unknownDispatcherEnv(env: NodeJS.ProcessEnv = process.env): UnknownEnvVariable[] {
  // The chart passes REDIS_PASSWORD only to build REDIS_URL from it with $(REDIS_PASSWORD).
  return unknownEnvVariables(env, Object.keys(DispatcherEnv.shape), {
    prefixes: ['DISPATCHER_', 'INFERENCE_', 'REDIS_', 'QUEUE_', 'DRAIN_'],
    ignore: ['REDIS_PASSWORD'],
  });
}

/** The same defaults, for tests and in-process starts: `configFor({ REDIS_URL: ... })`. */
export function configFor(env: Record<string, string | number>): DispatcherConfig {
  return parseDispatcherConfig(env);
}
