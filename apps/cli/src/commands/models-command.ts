import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { CliError } from '../cli-error';
import { report, type CliIo } from '../cli-io';
import { EXIT } from '../exit-codes';

interface VersionListing {
  version: string;
  task?: string;
  description?: string;
  /** Fields that came from the model file, labels.txt or defaults rather than config.json. */
  autoCompleted: string[];
  /** What keeps the version from being served. */
  error?: string;
  warnings: string[];
}

interface ModelListing {
  name: string;
  versions: VersionListing[];
}

/** Loaded on first use: onnxruntime and sharp take a while to load, and only this command needs them. */
const modelRuntime = () => import('@ai/model-runtime');

async function describeVersion(repository: string, name: string, version: string): Promise<VersionListing> {
  const { autoCompleteModelVersion } = await modelRuntime();
  try {
    const resolved = await autoCompleteModelVersion({ repository, name, version });
    const { task, description } = resolved.config;
    return { version, task, description, autoCompleted: resolved.autoCompleted ?? [], warnings: resolved.warnings ?? [] };
  } catch (error) {
    return { version, autoCompleted: [], warnings: [], error: (error as Error).message };
  }
}

function table(models: ModelListing[], repository: string): string {
  if (models.length === 0) return `${repository}: no models (expected <name>/<version>/model.onnx)`;
  const rows = models.flatMap((m) =>
    m.versions.map((v) => [
      m.name,
      v.version,
      v.task ?? '-',
      v.error ? 'INVALID' : v.autoCompleted.length > 0 ? `auto-completed: ${v.autoCompleted.join(', ')}` : 'config.json',
      [v.error, ...v.warnings].filter(Boolean).join('; '),
    ]),
  );
  const all = [['MODEL', 'VERSION', 'TASK', 'CONFIG', 'PROBLEMS'], ...rows];
  const widths = all[0].map((_, i) => Math.max(...all.map((row) => row[i].length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `models`: the repository as the inference service would read it, with every version's task and problems. */
export function modelsCommand(program: Command, io: () => CliIo): void {
  program
    .command('models')
    .description('list the model repository: versions, tasks, and what keeps a version from being served')
    .addOption(new Option('--repository <dir>', 'model repository root').env('MODEL_REPOSITORY').default('models'))
    .action(async (options: { repository: string }) => {
      const repository = resolve(options.repository);
      if (!existsSync(repository) || !statSync(repository).isDirectory()) throw new CliError(`${repository}: not a folder`, EXIT.usage);
      const { listModelVersions } = await modelRuntime();
      const models: ModelListing[] = [];
      for (const entry of readdirSync(repository, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .sort((a, b) => a.name.localeCompare(b.name))) {
        const versions = listModelVersions(repository, entry.name);
        // Folders without version folders (training code, notes) are not models.
        if (versions.length === 0) continue;
        const listed: VersionListing[] = [];
        for (const version of versions) listed.push(await describeVersion(repository, entry.name, version));
        models.push({ name: entry.name, versions: listed });
      }
      report(io(), { repository, models }, (data) => table(data.models, join(data.repository)));
      if (models.some((m) => m.versions.some((v) => v.error))) throw new CliError('some model versions cannot be served (see PROBLEMS)', EXIT.failed);
    });
}
