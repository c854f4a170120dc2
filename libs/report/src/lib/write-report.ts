import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chartSpecs } from './chart-specs';
import { renderSvg, svgToPng } from './chart-renderer';
import { renderHtml, type RenderedChart } from './html-report';
import type { ReportInput } from './report-input';
import { buildSummary, type RunSummary } from './run-summary';

export interface WrittenReport {
  dir: string;
  summary: RunSummary;
  files: { summary: string; html: string; pngs: string[] };
}

/** `<root>/<timestamp>` (e.g. reports/2026-01-31T12-00-00-000Z), created; the CSV can stream into it during the run. */
export function createReportDirectory(root: string, startedAt: Date): string {
  const dir = join(root, startedAt.toISOString().replace(/[:.]/g, '-'));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Writes summary.json, one PNG per chart and report.html (the same charts as inline SVG) into `dir`.
 * requests.csv is written by a RequestCsvWriter during the run.
 */
export async function writeReport(dir: string, input: ReportInput): Promise<WrittenReport> {
  mkdirSync(dir, { recursive: true });
  const summary = buildSummary(input);
  const charts: RenderedChart[] = [];
  const pngs: string[] = [];
  for (const chart of chartSpecs(input)) {
    const svg = await renderSvg(chart.spec);
    charts.push({ name: chart.name, title: chart.title, svg });
    const png = join(dir, `${chart.name}.png`);
    await writeFile(png, svgToPng(svg));
    pngs.push(png);
  }
  const files = { summary: join(dir, 'summary.json'), html: join(dir, 'report.html'), pngs };
  await writeFile(files.summary, JSON.stringify(summary, null, 2) + '\n');
  await writeFile(files.html, renderHtml(summary, charts));
  return { dir, summary, files };
}
