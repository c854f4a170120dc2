import { z } from 'zod';
import { ModelName } from '@ai/contracts';
import { envBoolean as boolean, parseEnv, serviceEnv, unknownEnvVariables, type UnknownEnvVariable } from '@ai/http-server';

/** Every setting of the inference service, from the environment, with its description and default. */
export const InferenceEnv = serviceEnv({ port: 8080 }).extend({
  MODEL_REPOSITORY: z.string().min(1).default('models').describe('Model repository root holding <name>/<version>/.'),
  MODEL_NAME: ModelName.default('digits-cnn').describe('Model to serve.'),
  MODEL_VERSION: z
    .string()
    .regex(/^[0-9]+$/, 'an integer version')
    .optional()
    .describe('Integer version folder to serve; the highest one when unset. Change it to roll forward or back.'),
  MODEL_PATH: z.string().min(1).optional().describe('A version folder (config.json + model file); overrides name and version.'),
  ORT_PROVIDERS: z
    .enum(['auto', 'cpu', 'cuda'])
    .default('auto')
    .describe(
      'auto tries CUDA and falls back to CPU (logged, shown in /health and inference_provider_info); cpu or cuda forces one (a forced CUDA that cannot load stops start-up).',
    ),
  ORT_INTRA_OP_THREADS: z.coerce
    .number()
    .int()
    .min(0)
    .max(256)
    .default(0)
    .describe('onnxruntime intra-op threads per model instance; 0 = one per core, divided among the instances.'),
  MODEL_INSTANCES: z
    .union([z.literal('auto'), z.coerce.number().int().min(1).max(64)])
    .default('auto')
    .describe(
      "Instances of the model running batches side by side, each its own session and thread (Triton's instance group); auto = on a CPU, for a model of up to 64 MB, one per core (at most 4) of one thread each, plus one of every core for a request that has the machine to itself; otherwise (a GPU, a larger model) one.",
    ),
  MODEL_THREAD: z
    .enum(['auto', 'worker', 'main'])
    .default('auto')
    .describe(
      'Where session.run executes: worker threads; main; auto = workers, unless a batch-1 run takes under 0.5 ms (digits-cnn), then the main thread with one intra-op thread. Text generation always runs on the main thread.',
    ),
  ORT_ALLOW_SPINNING: z
    .union([z.literal('auto'), boolean])
    .default('auto')
    .describe(
      "Let idle onnxruntime threads busy-wait for the next operator: lower latency, but beside other work they take the cores it needs. auto = only in MODEL_INSTANCES=auto's instance of every core, which runs a request only when it has the machine to itself.",
    ),
  MAX_BATCH_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(4096)
    .default(8)
    .describe("Dynamic batching: most requests per session.run (capped by the model's maxBatchSize); 1 turns batching off."),
  MAX_BATCH_DELAY_MS: z.coerce
    .number()
    .min(0)
    .max(1000)
    .default(2)
    .describe('Dynamic batching: longest wait for a batch to fill, ms. A request that finds an instance idle and no other on its way starts at once.'),
  ENABLE_LOAD_ENDPOINT: boolean.default(false).describe('Mount GET /load?duration=N (busy work for N seconds, at most MAX_LOAD_SECONDS).'),
  MAX_LOAD_SECONDS: z.coerce.number().positive().max(600).default(60).describe('Upper bound of one /load burn.'),
  SIMULATED_DEVICE_MS: z.coerce
    .number()
    .min(0)
    .max(60_000)
    .default(0)
    .describe(
      'Simulated accelerator: every batch is held this many ms (plus SIMULATED_DEVICE_MS_PER_ITEM per row) by a timer, using no CPU, so each process has a fixed capacity whatever the machine. 0 with a per-item time of 0 = off (the real CPU path only).',
    ),
  SIMULATED_DEVICE_MS_PER_ITEM: z.coerce.number().min(0).max(60_000).default(0).describe('Simulated accelerator: ms added per row of a batch.'),
  ARTIFICIAL_CPU_SEC: z.coerce
    .number()
    .min(0)
    .max(60)
    .default(0)
    .describe('Extra CPU work per inference request, seconds, to make autoscaling visible on small models.'),
  MAX_TOTAL_TOKENS: z.coerce.number().int().positive().max(1_000_000).default(256).describe('Text generation: prompt plus generated tokens at most.'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(8 * 1024 * 1024)
    .describe('Largest request body (JSON or raw image), bytes; larger gets 413.'),
  MAX_IMAGE_PIXELS: z.coerce
    .number()
    .int()
    .positive()
    .default(25_000_000)
    .describe('Largest image, width × height; larger ones get 400 before being decoded (decompression-bomb guard).'),
  REGISTRY_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .optional()
    .describe(
      "Replica registry: once ready, join the set of this model's replicas in this Redis (the dispatcher's INFERENCE_REGISTRY=redis reads it), renew it on a heartbeat, and leave it first on SIGTERM.",
    ),
  ADVERTISE_URL: z
    .url()
    .optional()
    .describe('Replica registry: the URL the dispatcher reaches this process at; default http://<HOST, or the hostname when HOST is 0.0.0.0>:<PORT>.'),
  REGISTRY_TTL_MS: z.coerce
    .number()
    .int()
    .min(300)
    .max(600_000)
    .default(10_000)
    .describe('Replica registry: an entry not renewed for this long (the process died) drops out; renewed every third of it.'),
});
export type InferenceConfig = z.output<typeof InferenceEnv>;

/** Parses the environment once at start-up; a bad value throws a message naming the variable. */
export function parseInferenceConfig(env: NodeJS.ProcessEnv = process.env): InferenceConfig {
  return parseEnv(InferenceEnv, env);
}

/** Variables that look meant for the inference service but are none of its settings (logged as warnings at start-up). */
export function unknownInferenceEnv(env: NodeJS.ProcessEnv = process.env): UnknownEnvVariable[] {
  return unknownEnvVariables(env, Object.keys(InferenceEnv.shape), { prefixes: ['MODEL_', 'ORT_', 'BATCH_'] });
}
