import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { firstProblem, ModelConfig, V2ModelMetadata } from '@ai/contracts';
import { HttpClient } from '@ai/http-client';
import { RunSetupError } from './run-setup-error';

/** A model's task and where it was read. */
export interface FoundTask {
  /** `image-classification`, `tabular-classification` or `text-generation` (ModelTask). */
  task: string;
  /** The config.json or metadata URL it came from, for messages. */
  from: string;
}

export interface ModelTaskLookup {
  /** Root of the model repository, holding `<name>/<version>/config.json`. */
  repository: string;
  /** A service to ask when the repository does not hold the model: an inference service answers GET /v2/models/{name}. */
  target?: string;
  /** How long the target may take to answer, ms. Default 5 s. */
  timeoutMs?: number;
}

const VERSION_FOLDER = /^[0-9]+$/;
const TaskOnly = ModelConfig.pick({ task: true });

/**
 * The task of `model`: from `config.json` of its highest version in the model repository (the version the inference
 * service serves by default), else from the target's KServe v2 model metadata, whose `config` carries the task the
 * model is served with. Undefined when neither knows the model (a dispatcher target has no /v2/models).
 */
export async function findModelTask(model: string, lookup: ModelTaskLookup): Promise<FoundTask | undefined> {
  return taskInRepository(model, lookup.repository) ?? (lookup.target ? await taskFromTarget(model, lookup.target, lookup.timeoutMs ?? 5_000) : undefined);
}

function taskInRepository(model: string, repository: string): FoundTask | undefined {
  const modelDir = resolve(repository, model);
  if (!existsSync(modelDir) || !statSync(modelDir).isDirectory()) return undefined;
  const versions = readdirSync(modelDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && VERSION_FOLDER.test(entry.name))
    .map((entry) => Number(entry.name))
    .sort((a, b) => b - a);
  const file = versions.length > 0 ? join(modelDir, String(versions[0]), 'config.json') : undefined;
  // A version without config.json has its task guessed from the model file by the inference service only.
  if (!file || !existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RunSetupError(`${file} is not valid JSON: ${(error as Error).message}`, 'model');
  }
  const parsed = TaskOnly.safeParse(raw);
  if (parsed.success) return { task: parsed.data.task, from: file };
  if ((raw as { task?: unknown } | null)?.task === undefined) return undefined;
  throw new RunSetupError(`${file}: ${firstProblem(parsed.error, 'config').message}`, 'model');
}

async function taskFromTarget(model: string, target: string, timeoutMs: number): Promise<FoundTask | undefined> {
  const url = new URL(`${target.replace(/\/$/, '')}/v2/models/${encodeURIComponent(model)}`);
  const client = new HttpClient();
  try {
    const answer = await client.request('GET', url, { timeoutMs });
    if (!answer.ok) return undefined;
    const metadata = V2ModelMetadata.safeParse(JSON.parse(answer.body.toString('utf8')));
    const task = metadata.success ? metadata.data.config?.task : undefined;
    return task ? { task, from: url.href } : undefined;
  } catch {
    // Not reachable, or not an inference service: the target does not tell.
    return undefined;
  } finally {
    client.close();
  }
}
