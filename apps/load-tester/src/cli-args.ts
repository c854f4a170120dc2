import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ModelName } from '@ai/contracts';
import { DEFAULT_MODEL } from './config';

/** The workload `main.js run` replays when none is given. */
export const DEFAULT_WORKLOAD = 'workloads/peak-hours.txt';
/** What requests carry when neither --images nor --prompts is given: the pool the model's task needs. */
export const DEFAULT_IMAGES = 'workloads/images';
export const DEFAULT_PROMPTS = 'workloads/prompts.txt';
/** The model `--prompts` alone runs. */
export const DEFAULT_TEXT_MODEL = 'tiny-lm';

/** Options of `main.js run`. */
export const RunArgs = z.object({
  workload: z.string().min(1).default(DEFAULT_WORKLOAD).describe('Workload file: requests per second, comma- or newline-separated.'),
  target: z.url().optional().describe('Dispatcher URL; without it the whole stack is started on this machine.'),
  images: z.string().min(1).optional().describe(`Folder of images to send whatever the model (default ${DEFAULT_IMAGES} for an image classifier).`),
  'max-images': z.coerce.number().int().min(1).optional().describe('Send at most this many requests (and load at most this many images).'),
  model: ModelName.optional().describe(
    `Default ${DEFAULT_MODEL} (${DEFAULT_TEXT_MODEL} with --prompts). Its task in the model repository, or in the target's /v2/models/{name}, decides what requests carry.`,
  ),
  prompts: z
    .string()
    .min(1)
    .optional()
    .describe(`Prompt pool (one per line, # comments) to send whatever the model (default ${DEFAULT_PROMPTS} for a text-generation model).`),
  'max-new-tokens': z.coerce.number().int().min(1).max(4096).default(32).describe('Tokens each prompt asks for.'),
  'generation-seed': z.coerce.number().int().min(0).optional().describe('Fixed sampling seed for every prompt (default: sampled freely).'),
  out: z.string().min(1).default('reports'),
  'slo-p99': z.coerce.number().positive().optional(),
  'max-error-rate': z.coerce.number().min(0).max(1).optional(),
  arrivals: z.enum(['uniform', 'poisson']).default('uniform'),
  seed: z.coerce.number().int().default(1),
  collect: z.enum(['callback', 'poll', 'sync']).default('callback'),
  timeout: z.coerce.number().positive().max(3600).default(60),
  'callback-url': z.url().optional().describe("How the dispatcher reaches this process's /storeLatency (default http://127.0.0.1:<port>/storeLatency)."),
  'callback-port': z.coerce.number().int().min(0).max(65535).default(0),
  progress: z.enum(['true', 'false']).default('true'),
  autoscale: z.enum(['true', 'false']).default('true').describe("Embedded stack: scale inference with the chart's autoscaling policy."),
  replicas: z.coerce.number().int().min(1).max(64).optional().describe('Embedded stack: run this many inference replicas, no autoscaling.'),
  'min-replicas': z.coerce.number().int().min(0).max(64).optional().describe("Embedded stack: override the policy's minReplicaCount (0 = scale to zero)."),
  values: z.string().min(1).optional().describe("Embedded stack: values files over the chart's, comma-separated, as helm install -f."),
});

export type RunArgs = Omit<z.output<typeof RunArgs>, 'model'> & { model: string };

export const RUN_USAGE = `Usage: main.js run [--workload FILE] [--target URL] [--images DIR] [--max-images N] [--model NAME]
       [--prompts FILE] [--max-new-tokens N] [--generation-seed N]
       [--out DIR] [--slo-p99 SECONDS] [--max-error-rate R] [--arrivals uniform|poisson] [--seed N]
       [--collect callback|poll|sync] [--timeout SECONDS] [--callback-url URL] [--callback-port N]
       [--autoscale true|false] [--replicas N] [--min-replicas N] [--values FILE[,FILE...]]
       main.js serve            (server mode on PORT, default 3003)
The workload defaults to ${DEFAULT_WORKLOAD}. Requests carry what the model's task needs: images (${DEFAULT_IMAGES}) for
image classification, prompts (${DEFAULT_PROMPTS}) for text generation. --images or --prompts sends those whatever the
model (--prompts alone runs ${DEFAULT_TEXT_MODEL}).
Without --target, redis-server, the inference service and the dispatcher are started on this machine, and inference
scales with the autoscaling policy of charts/autoscaled-inference (--values overlays it; --replicas N pins a count).
SIMULATED_DEVICE_MS (per batch) and SIMULATED_DEVICE_MS_PER_ITEM hold each batch as an accelerator would.
Exit status: 0 passed, 1 an SLO (--slo-p99, --max-error-rate) was missed, 2 bad arguments, 3 the run failed.`;

/** Parses `run` arguments; throws an Error naming the option when one is unknown or invalid. */
export function parseRunArgs(argv: string[]): RunArgs {
  const keys = Object.keys(RunArgs.shape);
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(
      keys.flatMap((key) => [key, key.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase())]).map((key) => [key, { type: 'string' as const }]),
    ),
    // Not strict: Nx forwards options both as given and camelCased (--slo-p99 and --sloP99); fold them.
    strict: false,
    allowPositionals: true,
  });
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const kebab = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (!keys.includes(kebab)) throw new Error(`--${key}: unknown option`);
    if (typeof value !== 'string') throw new Error(`--${kebab}: a value is required`);
    options[kebab] = value;
  }
  const result = RunArgs.safeParse(options);
  if (result.success) {
    const data = result.data;
    if (data.images && data.prompts) throw new Error('--prompts: not with --images (requests carry one or the other)');
    return { ...data, model: data.model ?? (data.prompts ? DEFAULT_TEXT_MODEL : DEFAULT_MODEL) };
  }
  const issue = result.error.issues[0];
  throw new Error(`--${issue.path.join('.')}: ${issue.message}`);
}
