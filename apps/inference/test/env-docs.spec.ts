import { readFileSync } from 'node:fs';
import { envTable, withEnvTable } from '@ai/http-server';
import { InferenceEnv } from '../src/config';

it('README documents every variable as the schema describes it (npm run docs:env rewrites the table)', () => {
  const readme = readFileSync(`${__dirname}/../README.md`, 'utf8');
  expect(withEnvTable(readme, envTable(InferenceEnv))).toBe(readme);
});
