/**
 * Writes each app's environment table into its README from the app's zod schema (names, defaults and
 * `.describe()` texts), so the docs cannot drift from the code; each app's env-docs test fails when they do.
 *
 *   npm run docs:env
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { envTable, withEnvTable } from '@ai/http-server';
import { DispatcherEnv } from '../apps/dispatcher/src/config';
import { InferenceEnv } from '../apps/inference/src/config';
import { LoadTesterEnv } from '../apps/load-tester/src/config';

const DOCS = [
  ['apps/dispatcher/README.md', DispatcherEnv],
  ['apps/inference/README.md', InferenceEnv],
  ['workloads/README.md', LoadTesterEnv],
] as const;

for (const [file, schema] of DOCS) {
  const path = join(__dirname, '..', file);
  const before = readFileSync(path, 'utf8');
  const after = withEnvTable(before, envTable(schema));
  if (after !== before) writeFileSync(path, after);
  console.log(`${file}: ${after === before ? 'up to date' : 'rewritten'}`);
}
