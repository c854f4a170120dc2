/**
 * `promtool test rules` (Debian's `prometheus` package; .ci/run installs it): evaluates PromQL and alert rules
 * over synthetic series, the way Prometheus does.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const promtoolAvailable = (): boolean => spawnSync('promtool', ['--version']).status === 0;

/** One series for input_series: labels as a selector string, values in promtool's expanding notation. */
export interface InputSeries {
  series: string;
  values: string;
}

/** A series selector string from labels, e.g. {__name__: 'up', job: 'x'} → up{job="x"}. */
export function seriesString(name: string, labels: Record<string, string>): string {
  return `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;
}

/**
 * Runs `promtool test rules` on the given rule groups and test cases (each with input_series and
 * promql_expr_test / alert_rule_test); returns promtool's verdict and output.
 */
export function promtoolTestRules(groups: unknown[], tests: unknown[], evaluationInterval = '1m'): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ai-promtool-'));
  try {
    writeFileSync(join(dir, 'rules.yaml'), stringify({ groups }));
    writeFileSync(join(dir, 'tests.yaml'), stringify({ rule_files: ['rules.yaml'], evaluation_interval: evaluationInterval, tests }, { lineWidth: 0 }));
    const r = spawnSync('promtool', ['test', 'rules', 'tests.yaml'], { cwd: dir, encoding: 'utf8' });
    return { ok: r.status === 0, output: `${r.stdout}\n${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
