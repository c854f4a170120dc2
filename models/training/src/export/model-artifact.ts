import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelConfig } from '@ai/contracts';
import { z } from 'zod';

/** Most a committed artifact may weigh (the repository stays small). */
export const MAX_ARTIFACT_BYTES = 5 * 1024 * 1024;

/**
 * Writes `<repository>/<name>/<version>/{model.onnx, config.json}`. The config is validated against the
 * shared `ModelConfig` schema first, so the inference service can never find an artifact it cannot read.
 * Returns the version folder.
 */
export function writeModelArtifact(repository: string, config: z.input<typeof ModelConfig>, model: Uint8Array, options: { maxBytes?: number } = {}): string {
  const parsed = ModelConfig.parse(config);
  const maxBytes = options.maxBytes ?? MAX_ARTIFACT_BYTES;
  if (model.byteLength > maxBytes) throw new Error(`${parsed.name} v${parsed.version} is ${model.byteLength} bytes, over ${maxBytes}`);
  const dir = join(repository, parsed.name, parsed.version);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, parsed.file), model);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  return dir;
}
