import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ModelName, type ModelTask } from '@ai/contracts';
import { parseWorkload, totalRequests, WorkloadParseError } from '@ai/workload';
import { ImageSet } from './image-set';
import { findModelTask } from './model-task';
import { PromptSet, type GenerationOptions } from './prompt-set';
import type { RequestBodies } from './request-bodies';
import { RunSetupError } from './run-setup-error';

/** What a run is asked to do, before anything is read. */
export interface RunSetup {
  /** The workload as text (`source` names it in messages), or a file to read. */
  workload: { text: string; source: string } | { file: string };
  model: string;
  /** Images (a folder) or prompts (a file) given explicitly: sent whatever the model's task; prompts win over images. */
  images?: string;
  prompts?: string;
  /** What the model's task picks when neither is given: images for image classification, prompts for text generation. */
  defaultImages: string;
  defaultPrompts: string;
  generation: GenerationOptions;
  /** Send at most this many requests (and load at most this many images or prompts). */
  maxRequests?: number;
  /** The longest workload accepted, in seconds, and the setting that sets it (for the message). */
  maxSeconds?: { limit: number; setting: string };
  /** Where the model's task is read: the model repository first, then the target's GET /v2/models/{name}. */
  modelRepository: string;
  target?: string;
}

/** A run ready to start. */
export interface PreparedRun {
  rates: number[];
  model: string;
  bodies: RequestBodies;
  /** What the requests carry, in words ("images from workloads/images"). */
  carrying: string;
  /** Requests the run schedules: the workload's total, capped at maxRequests. */
  scheduled: number;
}

/** What requests carry for each task the load tester can drive. */
const CARRIED: Partial<Record<ModelTask, 'images' | 'prompts'>> = { 'image-classification': 'images', 'text-generation': 'prompts' };

/** How many requests a run of `rates` capped at `maxRequests` schedules. */
function scheduledRequests(rates: number[], maxRequests?: number): number {
  return Math.min(totalRequests(rates), maxRequests ?? Number.POSITIVE_INFINITY);
}

/**
 * The steps before every run, for the CLI and the server alike: parse the workload, decide what the requests carry
 * (what was given explicitly, else what the model's task needs), load those images or prompts, and count the
 * requests. Throws a RunSetupError naming the part that was refused.
 */
export async function prepareRun(setup: RunSetup): Promise<PreparedRun> {
  const rates = readRates(setup);
  const name = ModelName.safeParse(setup.model);
  if (!name.success) throw new RunSetupError(`"${setup.model}" is not a model name: ${name.error.issues[0].message}`, 'model');
  const pool = await choosePool(setup);
  let bodies: RequestBodies;
  try {
    bodies = pool.kind === 'prompts' ? PromptSet.load(pool.path, setup.generation, setup.maxRequests) : ImageSet.load(pool.path, setup.maxRequests);
  } catch (error) {
    throw new RunSetupError((error as Error).message, pool.kind);
  }
  const carrying = pool.kind === 'prompts' ? `prompts from ${pool.path}, ${setup.generation.max_new_tokens} new tokens each` : `images from ${pool.path}`;
  return { rates, model: setup.model, bodies, carrying, scheduled: scheduledRequests(rates, setup.maxRequests) };
}

function readRates(setup: RunSetup): number[] {
  const { workload } = setup;
  let text: string;
  let source: string;
  if ('file' in workload) {
    try {
      text = readFileSync(workload.file, 'utf8');
    } catch (error) {
      throw new RunSetupError(`cannot read ${workload.file}: ${(error as Error).message}`, 'workload');
    }
    source = workload.file;
  } else {
    ({ text, source } = workload);
  }
  let rates: number[];
  try {
    rates = parseWorkload(text, source);
  } catch (error) {
    if (error instanceof WorkloadParseError) throw new RunSetupError(error.message, 'workload', { line: error.line, column: error.column });
    throw error;
  }
  const max = setup.maxSeconds;
  if (max && rates.length > max.limit) throw new RunSetupError(`${rates.length} seconds is longer than ${max.setting} (${max.limit})`, 'workload');
  return rates;
}

async function choosePool(setup: RunSetup): Promise<{ kind: 'images' | 'prompts'; path: string }> {
  if (setup.prompts) return { kind: 'prompts', path: setup.prompts };
  if (setup.images) return { kind: 'images', path: setup.images };
  const { model, modelRepository, target } = setup;
  const found = await findModelTask(model, { repository: modelRepository, target });
  if (!found) {
    const asked = target ? `, and ${target} does not answer GET /v2/models/${model} with it` : '';
    throw new RunSetupError(`model "${model}": no task found (not in the model repository ${resolve(modelRepository)}${asked})`, 'model');
  }
  const kind = CARRIED[found.task as ModelTask];
  if (!kind) {
    throw new RunSetupError(
      `model "${model}" is ${found.task} (${found.from}): the load tester sends images (image-classification) or prompts (text-generation)`,
      'model',
    );
  }
  return { kind, path: kind === 'images' ? setup.defaultImages : setup.defaultPrompts };
}
