import { z } from 'zod';
import { ModelName } from '@ai/contracts';
import { parseEnv, serviceEnv, unknownEnvVariables, type UnknownEnvVariable } from '@ai/http-server';

/** The model requests are for when none is named. */
export const DEFAULT_MODEL = 'digits-cnn';

/** Every setting of the load tester's server mode (and the defaults of the CLI), from the environment. */
export const LoadTesterEnv = serviceEnv({ port: 3003, portDescription: 'HTTP port of the server mode (0 picks a free one).' }).extend({
  TARGET_URL: z.url().default('http://127.0.0.1:3000').describe('The dispatcher the server mode sends to.'),
  CALLBACK_URL: z
    .url()
    .optional()
    .describe("URL the dispatcher POSTs results to (this server's /storeLatency as the dispatcher can reach it); default http://127.0.0.1:PORT/storeLatency."),
  MODEL_NAME: ModelName.default(DEFAULT_MODEL).describe('Model the requests are for.'),
  MODEL_REPOSITORY: z
    .string()
    .min(1)
    .default('models')
    .describe(
      "Model repository (<name>/<version>/config.json) whose `task` decides what requests carry; for a model it does not hold, the target's GET /v2/models/{name} is asked.",
    ),
  IMAGES_DIR: z
    .string()
    .min(1)
    .default('workloads/images')
    .describe('Folder of .png/.jpg/.jpeg/.webp images sent as request bodies when the model is an image classifier.'),
  PROMPTS_FILE: z
    .string()
    .min(1)
    .default('workloads/prompts.txt')
    .describe('Prompt pool (one per line, # comments) sent instead of images when the model generates text.'),
  MAX_NEW_TOKENS: z.coerce.number().int().min(1).max(4096).default(32).describe('Tokens each prompt asks for (text generation).'),
  WORKLOAD_FILE: z.string().min(1).default('workloads/peak-hours.txt').describe('Workload of POST /runLoadTest when the body has none.'),
  REPORTS_DIR: z.string().min(1).default('reports').describe('Where reports/<timestamp>/ folders are written.'),
  COLLECT: z
    .enum(['callback', 'poll', 'sync'])
    .default('callback')
    .describe('How results are collected: callbacks to /storeLatency, polling GET /jobs/:id, or the synchronous POST /infer.'),
  ARRIVALS: z.enum(['uniform', 'poisson']).default('uniform').describe("How each second's requests are spread."),
  MAX_RUN_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .max(7 * 86_400)
    .default(3600)
    .describe('Longest workload POST /runLoadTest accepts, seconds; with TIMEOUT_SECONDS it bounds how long /generateReport can wait.'),
  TIMEOUT_SECONDS: z.coerce
    .number()
    .positive()
    .max(3600)
    .default(60)
    .describe('Per-request limit from the intended send time; later results count as timed out.'),
  SIMULATED_DEVICE_MS: z.coerce
    .number()
    .min(0)
    .max(60_000)
    .default(0)
    .describe('Embedded stack: inference holds every batch this many ms by a timer (a simulated accelerator, no CPU used); 0 = off.'),
  SIMULATED_DEVICE_MS_PER_ITEM: z.coerce.number().min(0).max(60_000).default(0).describe('Embedded stack: simulated accelerator time per row of a batch, ms.'),
  PROMETHEUS_URL: z.url().optional().describe('When set, replicas and CPU per deployment are sampled from this Prometheus during runs.'),
});
export type LoadTesterConfig = z.output<typeof LoadTesterEnv>;

/** Parses the environment once at start-up; a bad value throws a message naming the variable. */
export function parseLoadTesterConfig(env: NodeJS.ProcessEnv = process.env): LoadTesterConfig {
  return parseEnv(LoadTesterEnv, env);
}

/** Variables that look meant for the load tester but are none of its settings (logged as warnings at start-up). */
export function unknownLoadTesterEnv(env: NodeJS.ProcessEnv = process.env): UnknownEnvVariable[] {
  return unknownEnvVariables(env, Object.keys(LoadTesterEnv.shape), { prefixes: ['LOAD_TESTER_', 'TARGET_', 'WORKLOAD_', 'REPORTS_'] });
}
