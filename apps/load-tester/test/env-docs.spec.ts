import { readFileSync } from 'node:fs';
import { envTable, withEnvTable } from '@ai/http-server';
import { LoadTesterEnv } from '../src/config';

it('workloads/README.md documents every variable as the schema describes it (npm run docs:env rewrites the table)', () => {
  const readme = readFileSync(`${__dirname}/../../../workloads/README.md`, 'utf8');
  expect(withEnvTable(readme, envTable(LoadTesterEnv))).toBe(readme);
});
