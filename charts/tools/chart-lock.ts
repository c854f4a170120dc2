/**
 * Chart.lock's `digest`, computed the way Helm computes it (internal/resolver HashReq): the SHA-256 of Go's
 * json.Marshal of [Chart.yaml's dependencies, the locked dependencies], with "sha256:" in front. Go marshals
 * the chart.Dependency struct fields in declaration order, leaves out empty optional ones and escapes <, > and
 * & as \u003c, \u003e and \u0026 (the version ranges hold < and >). Checked against `helm dependency update`
 * (Helm 4.1) on a chart with a local and a ranged remote dependency, and in the charts test by
 * `helm dependency build`, which refuses a lock whose digest does not match.
 */
import { createHash } from 'node:crypto';

export interface ChartDependency {
  name: string;
  version?: string;
  repository?: string;
  condition?: string;
  tags?: string[];
  enabled?: boolean;
  'import-values'?: unknown[];
  alias?: string;
}

/** The fields of Helm's chart.Dependency in Go declaration order, empty optional ones left out. */
function goDependency(d: ChartDependency): Record<string, unknown> {
  const out: Record<string, unknown> = { name: d.name };
  if (d.version) out.version = d.version;
  out.repository = d.repository ?? '';
  if (d.condition) out.condition = d.condition;
  if (d.tags?.length) out.tags = d.tags;
  if (d.enabled) out.enabled = true;
  if (d['import-values']?.length) out['import-values'] = d['import-values'];
  if (d.alias) out.alias = d.alias;
  return out;
}

const goJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

/** The digest Helm writes into Chart.lock for these Chart.yaml dependencies and this resolution. */
export function helmLockDigest(requirements: ChartDependency[], locked: ChartDependency[]): string {
  const data = goJson([requirements.map(goDependency), locked.map(goDependency)]);
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}
