import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { WORKSPACE_ROOT } from '@ai/local-stack';
import { createLogger } from '@ai/observability';
import { parseInferenceConfig } from '../src/config';
import { start, type RunningInference } from '../src/server';

export const MODELS = join(WORKSPACE_ROOT, 'models');
export const IMAGES = join(WORKSPACE_ROOT, 'workloads/images');

/** Starts the service in-process on a free port with the given environment (model repository: models/). */
export function startInference(env: Record<string, string> = {}): Promise<RunningInference> {
  const config = parseInferenceConfig({ MODEL_REPOSITORY: MODELS, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', ...env });
  return start(config, { logger: createLogger({ service: 'inference-test', level: 'error', silent: true }) });
}

export interface SampleImage {
  file: string;
  label: string;
  bytes: Buffer;
  contentType: string;
}

/** The shipped sample digits; their names carry the true label (`digit-<label>-<index>-<size>px.<ext>`). */
export function sampleImages(): SampleImage[] {
  return readdirSync(IMAGES)
    .filter((file) => /^digit-\d-.*\.(png|jpg)$/.test(file))
    .sort()
    .map((file) => ({
      file,
      label: file.split('-')[1],
      bytes: readFileSync(join(IMAGES, file)),
      contentType: file.endsWith('.png') ? 'image/png' : 'image/jpeg',
    }));
}

/** Response bodies are asserted on field by field, so tests read them untyped. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export async function readJson(res: Response): Promise<Json> {
  return res.json();
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

export async function getJson(url: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

/**
 * digits-mlp's features, as its config.json describes them: the 28×28 digit (white on black, [0, 1]) padded by one
 * black pixel to 30×30, each 3×3 block averaged, row-major: 100 values.
 */
export async function digitFeatures(image: Buffer): Promise<number[]> {
  const { data } = await sharp(image).resize(28, 28, { fit: 'fill' }).grayscale().raw().toBuffer({ resolveWithObject: true });
  const channels = data.length / 784;
  const out = new Array<number>(100).fill(0);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) out[Math.floor((y + 1) / 3) * 10 + Math.floor((x + 1) / 3)] += data[(y * 28 + x) * channels] / 255 / 9;
  }
  return out;
}
