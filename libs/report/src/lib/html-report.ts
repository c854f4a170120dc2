import type { LatencySummary } from '@ai/workload';
import type { RunSummary } from './run-summary';

export interface RenderedChart {
  name: string;
  title: string;
  svg: string;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 2 : 1)} ms`);

function latencyRow(name: string, s: LatencySummary): string {
  if (s.count === 0) return `<tr><th>${name}</th><td colspan="6" class="muted">not reported</td></tr>`;
  return `<tr><th>${name}</th>${[s.p50, s.p90, s.p95, s.p99, s.max].map((v) => `<td>${ms(v)}</td>`).join('')}<td>${s.count}</td></tr>`;
}

/**
 * The report page: one self-contained HTML file (inline CSS, charts as inline SVG, no scripts or fonts to
 * fetch), so it opens offline, from a CI artifact or an email attachment.
 */
export function renderHtml(summary: RunSummary, charts: RenderedChart[]): string {
  const c = summary.counts;
  const verdict =
    summary.slo.p99Seconds === undefined && summary.slo.maxErrorRate === undefined
      ? '<span class="badge neutral">no SLO given</span>'
      : summary.slo.passed
        ? '<span class="badge pass">SLO met</span>'
        : '<span class="badge fail">SLO missed</span>';
  const warnings = [
    ...summary.slo.violations.map((v) => `<li>${escape(v)}</li>`),
    ...(summary.schedule.aborted ? ['<li><b>Stopped early:</b> the rest of the workload is counted as not sent.</li>'] : []),
    ...(summary.schedule.generatorLimited
      ? [
          `<li><b>Generator-limited:</b> the load tester itself could not keep up (${escape(summary.schedule.generatorLimitedReasons.join('; '))}); these figures describe the tester, not the system.</li>`,
        ]
      : []),
  ];
  const failures = Object.entries(summary.failuresByReason);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Load test ${escape(summary.startedAt)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;margin:2rem auto;max-width:1000px;padding:0 1rem;color:#222}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{padding:.25rem .7rem;text-align:right;border-bottom:1px solid #eee}th{text-align:left;font-weight:600}
.muted{color:#888}.badge{display:inline-block;padding:.15rem .6rem;border-radius:1rem;font-weight:600;color:#fff}
.pass{background:#2ca02c}.fail{background:#d62728}.neutral{background:#888}
.warn{background:#fff4e5;border-left:4px solid #ff7f0e;padding:.5rem 1rem}
figure{margin:1.5rem 0}figure svg{max-width:100%;height:auto}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
</style></head><body>
<h1>Load test report ${verdict}</h1>
<p class="muted">${escape(summary.startedAt)} · ${escape(summary.workload.file)} · ${escape(summary.target)}</p>
${warnings.length ? `<div class="warn"><ul>${warnings.join('')}</ul></div>` : ''}
<h2>Run</h2>
<dl>
<dt>Target</dt><dd>${escape(summary.target)} (model ${escape(summary.model)}, results by ${escape(summary.collect)})</dd>
<dt>Workload</dt><dd>${escape(summary.workload.file)}: ${summary.workload.seconds} s, ${summary.workload.requests} requests, ${escape(summary.arrivals)} arrivals</dd>
<dt>Duration</dt><dd>${summary.durationSeconds.toFixed(1)} s (timeout ${summary.timeoutSeconds} s per request)</dd>
</dl>
${summary.scaling ? scalingSection(summary.scaling, summary.slo.p99Seconds) : ''}
<h2>Outcomes</h2>
<table><tr><th>scheduled</th><th>completed</th><th>failed</th><th>timed out</th><th>not sent</th><th>success rate</th><th>error rate</th></tr>
<tr><td>${c.scheduled}</td><td>${c.completed}</td><td>${c.failed}</td><td>${c.timedOut}</td><td>${c.notSent}</td><td>${(summary.successRate * 100).toFixed(2)} %</td><td>${(summary.errorRate * 100).toFixed(2)} %</td></tr></table>
${failures.length ? `<table><tr><th>failure reason</th><th>requests</th></tr>${failures.map(([r, n]) => `<tr><th>${escape(r)}</th><td>${n}</td></tr>`).join('')}</table>` : ''}
<h2>Latency</h2>
<table><tr><th></th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>max</th><th>count</th></tr>
${latencyRow('end to end (from intended send)', summary.latencyMs.e2e)}
${latencyRow('enqueue accepted', summary.latencyMs.accept)}
${latencyRow('queue wait', summary.latencyMs.queueWait)}
${latencyRow('inference', summary.latencyMs.inference)}
</table>
<h2>Throughput and schedule</h2>
<table>
<tr><th>target rate (mean)</th><td>${summary.throughput.targetRps} req/s</td></tr>
<tr><th>sent rate (mean)</th><td>${summary.throughput.sentRps} req/s</td></tr>
<tr><th>completed rate (mean, peak)</th><td>${summary.throughput.completedRps} req/s, ${summary.throughput.peakCompletedRps} req/s</td></tr>
${
  summary.generation
    ? `<tr><th>tokens generated (per request)</th><td>${summary.generation.tokens} (${summary.generation.meanTokensPerRequest})</td></tr>
<tr><th>tokens/s (mean, peak second)</th><td>${summary.generation.tokensPerSecond} tokens/s, ${summary.generation.peakTokensPerSecond} tokens/s</td></tr>`
    : ''
}
<tr><th>schedule error per second (max, mean)</th><td>${summary.schedule.maxRateErrorPct.toFixed(2)} %, ${summary.schedule.meanRateErrorPct.toFixed(2)} %</td></tr>
<tr><th>send lateness p50 / p99 / max</th><td>${ms(summary.schedule.latenessMs.p50)} / ${ms(summary.schedule.latenessMs.p99)} / ${ms(summary.schedule.latenessMs.max)}</td></tr>
<tr><th>sends after the next was due</th><td>${summary.schedule.lateSends} (${summary.schedule.generatorLimited ? 'generator-limited' : 'schedule kept'})</td></tr>
<tr><th>event-loop delay p99 (worst second)</th><td>${ms(summary.schedule.maxEventLoopDelayP99Ms)}</td></tr>
</table>
<h2>Charts</h2>
${charts.map((chart) => `<figure id="${chart.name}" aria-label="${escape(chart.title)}">${chart.svg.replace(/^<\?xml[^>]*>/, '')}</figure>`).join('\n')}
<h2>Second by second</h2>
<details><summary>target, sent, completed and latency per second; generator health</summary>
<table><tr><th>second</th><th>target</th><th>sent</th><th>completed</th><th>failed</th><th>timed out</th>${summary.generation ? '<th>tokens</th>' : ''}<th>p50</th><th>p99</th><th>lateness p99</th><th>loop delay p99</th></tr>
${summary.perSecond.map((r) => `<tr><td>${r.second}</td><td>${r.target}</td><td>${r.sent}</td><td>${r.completed}</td><td>${r.failed}</td><td>${r.timedOut}</td>${summary.generation ? `<td>${r.tokens ?? 0}</td>` : ''}<td>${r.p50Ms === undefined ? '' : ms(r.p50Ms)}</td><td>${r.p99Ms === undefined ? '' : ms(r.p99Ms)}</td><td>${ms(r.latenessP99Ms)}</td><td>${ms(r.eventLoopDelayP99Ms)}</td></tr>`).join('\n')}
</table></details>
<p class="muted">Per-request records: requests.csv · machine-readable summary: summary.json</p>
</body></html>
`;
}

function scalingSection(scaling: NonNullable<RunSummary['scaling']>, sloSeconds: number | undefined): string {
  const toSlo =
    scaling.spikeToSloSeconds === null ? (sloSeconds === undefined ? 'no --slo-p99 given' : 'not within the run') : `${scaling.spikeToSloSeconds} s`;
  const events = scaling.events.map(
    (e) =>
      `<tr><td>${e.t.toFixed(1)} s</td><td>${e.from} → ${e.to}</td><th>${escape(e.reason)}</th><td>${escape(
        Object.entries(e.values)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => `${k} ${Number(v).toFixed(2)}`)
          .join(', '),
      )}</td></tr>`,
  );
  return `<h2>Scaling</h2>
${scaling.simulatedDevice ? `<div class="warn"><b>Simulated device:</b> every batch was held ${scaling.simulatedDevice.perBatchMs} ms + ${scaling.simulatedDevice.perItemMs} ms per item by a timer (SIMULATED_DEVICE_MS), not computed on an accelerator.</div>` : ''}
<dl>
<dt>Policy</dt><dd>${escape(scaling.policy)}</dd>
<dt>Spike</dt><dd>at ${scaling.spike.second} s (${scaling.spike.rps} req/s); p99 back under the SLO (and held 10 s) after ${escape(toSlo)}</dd>
<dt>Peak backlog</dt><dd>${scaling.peakBacklog} jobs</dd>
<dt>Replicas</dt><dd>peak ${scaling.peakReplicas.desired} desired, ${scaling.peakReplicas.ready} ready; ${scaling.replicaSeconds} replica-seconds</dd>
<dt>Failed during cold starts</dt><dd>${scaling.failedDuringColdStarts}</dd>
</dl>
${events.length ? `<table><tr><th>when</th><th>replicas</th><th>trigger</th><th>values</th></tr>${events.join('')}</table>` : '<p class="muted">No scale event during the run.</p>'}`;
}
