import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { firstProblem, ModelConfig } from '@ai/contracts';
import { ModelRepositoryError } from '../errors';

/** Where to find one model version: a repository, a name and an optional version, or a version folder. */
export interface ModelLocation {
  /** Root of the repository, holding `<name>/<version>/`. Default `models`. */
  repository?: string;
  name?: string;
  /** An integer version; the highest one in the repository when unset ("latest"). */
  version?: string;
  /** A version folder (holding config.json and the model file); overrides repository/name/version. */
  path?: string;
}

/** One resolved model version: its folder, validated config and model file. */
export interface ModelVersion {
  dir: string;
  config: ModelConfig;
  modelFile: string;
  /** Every version of this model in the repository, ascending (just this one when loaded by path). */
  availableVersions: string[];
  /** Config fields filled in from the model file, labels.txt or defaults, when config.json did not give them. */
  autoCompleted?: string[];
  /** What looked wrong but did not stop the model from loading (e.g. labels.txt longer than the classes). */
  warnings?: string[];
}

const VERSION_FOLDER = /^[0-9]+$/;

/** The integer version folders of `<repository>/<name>`, ascending numerically. */
export function listModelVersions(repository: string, name: string): string[] {
  const modelDir = resolve(repository, name);
  if (!existsSync(modelDir) || !statSync(modelDir).isDirectory()) {
    throw new ModelRepositoryError(`model "${name}" not found: ${modelDir} is not a folder`, modelDir);
  }
  return readdirSync(modelDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && VERSION_FOLDER.test(entry.name))
    .map((entry) => entry.name)
    .sort((a, b) => Number(a) - Number(b));
}

/** Reads and validates `<dir>/config.json`. */
export function readModelConfig(dir: string): ModelConfig {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) throw new ModelRepositoryError(`no config.json in ${dir}`, file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ModelRepositoryError(`${file} is not valid JSON: ${(error as Error).message}`, file, 'invalid_config');
  }
  const parsed = ModelConfig.safeParse(raw);
  if (!parsed.success) {
    const problem = firstProblem(parsed.error, 'config');
    throw new ModelRepositoryError(`${file} is not a valid model config: ${problem.message}`, file, 'invalid_config');
  }
  return parsed.data;
}

/** A version folder found in the repository, before its config is read. */
export interface ModelVersionFolder {
  dir: string;
  /** Every version of this model in the repository, ascending (empty when located by path). */
  availableVersions: string[];
}

/**
 * Finds a version folder the way Triton's repository does: `<repository>/<name>/<version>/`, the highest integer
 * version when none is given, or an explicit version folder.
 */
export function locateModelVersion(location: ModelLocation): ModelVersionFolder {
  if (location.path) {
    const dir = resolve(location.path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new ModelRepositoryError(`model path ${dir} is not a folder`, dir);
    }
    return { dir, availableVersions: [] };
  }
  if (!location.name) throw new ModelRepositoryError('no model name given (and no model path)', resolve(location.repository ?? 'models'));
  const repository = location.repository ?? 'models';
  const availableVersions = listModelVersions(repository, location.name);
  const modelDir = resolve(repository, location.name);
  if (availableVersions.length === 0) throw new ModelRepositoryError(`model "${location.name}" has no version folders in ${modelDir}`, modelDir);
  const version = location.version ?? availableVersions[availableVersions.length - 1];
  if (!VERSION_FOLDER.test(version) || !availableVersions.includes(String(Number(version)))) {
    throw new ModelRepositoryError(
      `version "${version}" of model "${location.name}" not found in ${modelDir} (available: ${availableVersions.join(', ')})`,
      join(modelDir, version),
    );
  }
  return { dir: join(modelDir, String(Number(version))), availableVersions };
}

/** Checks a version's config against where it was found, and that its model file exists. */
export function modelVersionOf(location: ModelLocation, folder: ModelVersionFolder, config: ModelConfig): ModelVersion {
  const { dir, availableVersions } = folder;
  if (location.name && !location.path && config.name !== location.name) {
    throw new ModelRepositoryError(`${join(dir, 'config.json')} names model "${config.name}", expected "${location.name}"`, dir, 'invalid_config');
  }
  const modelFile = join(dir, config.file);
  if (!existsSync(modelFile)) throw new ModelRepositoryError(`model file ${modelFile} not found`, modelFile);
  return { dir, config, modelFile, availableVersions: availableVersions.length > 0 ? availableVersions : [config.version] };
}

/**
 * Resolves a model version whose config.json is complete (see `autoCompleteModelVersion` for a folder holding only
 * the model file, or a partial config).
 */
export function resolveModelVersion(location: ModelLocation): ModelVersion {
  const folder = locateModelVersion(location);
  return modelVersionOf(location, folder, readModelConfig(folder.dir));
}
