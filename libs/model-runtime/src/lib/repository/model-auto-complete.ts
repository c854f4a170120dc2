import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { completeModelConfig } from './model-config-completion';
import { ModelRepositoryError } from '../errors';
import { locateModelVersion, modelVersionOf, type ModelLocation, type ModelVersion } from './model-repository';
import { readModelSignature } from './model-signature';

/** config.json as written, any subset of its fields; {} when the folder has none. */
function readDeclaredConfig(dir: string): Record<string, unknown> {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ModelRepositoryError(`${file} is not valid JSON: ${(error as Error).message}`, file, 'invalid_config');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ModelRepositoryError(`${file} is not a JSON object`, file, 'invalid_config');
  return raw as Record<string, unknown>;
}

/** labels.txt: one label per line, in class order; blank lines at the end are ignored. */
function readLabels(dir: string): string[] | undefined {
  const file = join(dir, 'labels.txt');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Resolves a model version whose folder may hold only `model.onnx`: what config.json leaves out is read from the
 * model, labels.txt and the shapes (see `completeModelConfig`). The model is opened only when config.json does not
 * declare both inputs and outputs, so a complete config costs no more than `resolveModelVersion`.
 */
export async function autoCompleteModelVersion(location: ModelLocation): Promise<ModelVersion> {
  const folder = locateModelVersion(location);
  const declared = readDeclaredConfig(folder.dir);
  const file = join(folder.dir, typeof declared.file === 'string' ? declared.file : 'model.onnx');
  if (!existsSync(file)) throw new ModelRepositoryError(`model file ${file} not found`, file);
  const needsModel = declared.inputs === undefined || declared.outputs === undefined;
  const folderVersion = basename(folder.dir);
  const { config, autoCompleted, warnings } = completeModelConfig({
    dir: folder.dir,
    name: basename(dirname(folder.dir)),
    // A folder given by path that is not an integer version serves as version 1.
    version: /^[0-9]+$/.test(folderVersion) ? String(Number(folderVersion)) : '1',
    declared,
    signature: needsModel ? await readModelSignature(file) : undefined,
    labels: readLabels(folder.dir),
  });
  return { ...modelVersionOf(location, folder, config), autoCompleted, warnings };
}
