import { z } from 'zod';

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every setting of the inference service, from the environment, with its description and default. */
export const InferenceEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080).describe('HTTP port (0 picks a free one).'),
  HOST: z.string().default('0.0.0.0').describe('Interface to listen on.'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info').describe('winston log level.'),
  LOKI_URL: z.url().optional().describe('Also push logs to this Loki (e.g. http://loki:3100).'),
  MODEL_REPOSITORY: z.string().min(1).default('models').describe('Model repository root holding <name>/<version>/.'),
  MODEL_NAME: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).default('digits-cnn').describe('Model to serve.'),
  MODEL_VERSION: z.string().regex(/^[0-9]+$/, 'an integer version').optional().describe('Version to serve; the highest when unset.'),
  MODEL_PATH: z.string().min(1).optional().describe('A version folder (config.json + model file); overrides name and version.'),
  ORT_PROVIDERS: z.enum(['auto', 'cpu', 'cuda']).default('auto').describe('auto tries CUDA and falls back to CPU; cpu or cuda forces one.'),
  ORT_INTRA_OP_THREADS: z.coerce.number().int().min(0).max(256).default(0).describe('onnxruntime intra-op threads per model instance; 0 = the cores divided among the instances.'),
  MODEL_INSTANCES: z
    .union([z.literal('auto'), z.coerce.number().int().min(1).max(64)])
    .default('auto')
    .describe('Instances of the model running batches side by side, each its own session and thread (Triton\'s instance group); auto = on a CPU, for a model of up to 64 MB, one per core (at most 4) of one thread each, plus one of every core for a request that has the machine to itself; otherwise (a GPU, a larger model) one.'),
  MODEL_THREAD: z.enum(['auto', 'worker', 'main']).default('auto').describe('Where session.run executes: auto = a worker thread, unless a run takes under 0.5 ms (then the main thread, as the hop would cost more); worker; main. Text generation always runs on the main thread.'),
  ORT_ALLOW_SPINNING: boolean.default(false).describe('Let idle onnxruntime threads busy-wait for work (lower latency on an otherwise idle machine, but they take cores from HTTP handling and image decoding).'),
  MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(4096).default(8).describe('Dynamic batching: most requests per session.run; 1 turns batching off.'),
  MAX_BATCH_DELAY_MS: z.coerce.number().min(0).max(1000).default(2).describe('Dynamic batching: longest wait for a batch to fill, ms.'),
  ENABLE_LOAD_ENDPOINT: boolean.default(false).describe('Mount GET /load?duration=N (CPU burn for autoscaling demos).'),
  MAX_LOAD_SECONDS: z.coerce.number().positive().max(600).default(60).describe('Upper bound of one /load burn.'),
  ARTIFICIAL_CPU_SEC: z.coerce.number().min(0).max(60).default(0).describe('Extra CPU busy work per inference request, seconds.'),
  MAX_TOTAL_TOKENS: z.coerce.number().int().positive().max(1_000_000).default(256).describe('Text generation: prompt plus generated tokens at most.'),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(8 * 1024 * 1024).describe('Largest request body (JSON or raw image), bytes; larger gets 413.'),
  MAX_IMAGE_PIXELS: z.coerce.number().int().positive().default(25_000_000).describe('Largest decoded image, width × height (decompression-bomb guard).'),
  DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(120_000).default(0).describe('On SIGTERM, keep serving this long with readiness false (so load balancers stop routing here) before closing.'),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(25_000).describe('On SIGTERM, how long in-flight requests may take to finish.'),
});
export type InferenceConfig = z.output<typeof InferenceEnv>;

/** Parses the environment once at start-up; a bad value throws a message naming the variable. */
export function parseInferenceConfig(env: NodeJS.ProcessEnv = process.env): InferenceConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = InferenceEnv.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`invalid environment: ${problems.join('; ')}`);
}
