import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHART_DIR, K8sObject } from './helm';

/** One PromQL expression and where it was found (for failure messages). */
export interface PromQLSource {
  where: string;
  expr: string;
}

interface Panel {
  title?: string;
  datasource?: { type?: string };
  targets?: { expr?: string; datasource?: { type?: string } }[];
  panels?: Panel[];
}

/** Every Prometheus query of the dashboards (Loki panels are LogQL and left out). */
export function dashboardQueries(): PromQLSource[] {
  const dir = join(CHART_DIR, 'dashboards');
  const out: PromQLSource[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const walk = (panels: Panel[] = []) => {
      for (const panel of panels) {
        for (const target of panel.targets ?? []) {
          const type = target.datasource?.type ?? panel.datasource?.type;
          if (type === 'prometheus' && target.expr) out.push({ where: `${file}: ${panel.title}`, expr: target.expr });
        }
        walk(panel.panels);
      }
    };
    walk(JSON.parse(readFileSync(join(dir, file), 'utf8')).panels);
  }
  return out;
}

/** Every alert rule expression (files/alert-rules.yaml, shared by the chart and docker compose). */
export function alertRuleQueries(): PromQLSource[] {
  const rules = parse(readFileSync(join(CHART_DIR, 'files', 'alert-rules.yaml'), 'utf8'));
  return rules.groups.flatMap((g: { rules: { alert: string; expr: string }[] }) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })));
}

/** Every prometheus trigger query of rendered ScaledObjects. */
export function scaledObjectQueries(objects: K8sObject[], scenario: string): PromQLSource[] {
  return objects
    .filter((o) => o.kind === 'ScaledObject')
    .flatMap((o) =>
      (o.spec as { triggers: { type: string; metadata: { query?: string } }[] }).triggers
        .filter((t) => t.type === 'prometheus')
        .map((t) => ({ where: `${scenario}: ScaledObject ${o.metadata.name}`, expr: t.metadata.query ?? '' })),
    );
}
