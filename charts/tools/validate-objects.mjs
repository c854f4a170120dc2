// Validates Kubernetes objects against the kubernetes-models / @kubernetes-models/keda JSON schemas.
// Those packages are ES modules only, so the jest suite (CommonJS) runs this file as a child process:
//   node validate-objects.mjs objects.json   → prints a JSON array of {kind, name, error}
import { readFileSync } from 'node:fs';

function modulePath(apiVersion) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === 'keda.sh') return `@kubernetes-models/keda/keda.sh/${version}`;
  return group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
}

const objects = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = [];
for (const object of objects) {
  const name = object?.metadata?.name;
  let Model;
  try {
    Model = (await import(modulePath(object.apiVersion)))[object.kind];
  } catch {
    Model = undefined;
  }
  if (!Model) {
    results.push({ kind: object.kind, name, error: `no schema for ${object.apiVersion} ${object.kind}` });
    continue;
  }
  try {
    new Model(object).validate();
    results.push({ kind: object.kind, name, error: null });
  } catch (error) {
    results.push({ kind: object.kind, name, error: String(error.message ?? error) });
  }
}
process.stdout.write(JSON.stringify(results));
