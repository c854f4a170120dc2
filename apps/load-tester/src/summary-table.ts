import type { RunSummary } from '@ai/report';

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);

/** The end-of-run table printed on the terminal. */
export function summaryTable(summary: RunSummary, reportDir: string): string {
  const c = summary.counts;
  const row = (name: string, s: { p50: number; p90: number; p95: number; p99: number; max: number; count: number }) =>
    s.count === 0
      ? `  ${name.padEnd(16)} (not reported)`
      : `  ${name.padEnd(16)}${[s.p50, s.p90, s.p95, s.p99, s.max].map((v) => ms(v).padStart(10)).join('')}`;
  const lines = [
    '',
    ...(summary.schedule.aborted ? ['STOPPED EARLY: the rest of the workload is counted as not sent.'] : []),
    `Requests   scheduled ${c.scheduled}  completed ${c.completed}  failed ${c.failed}  timed out ${c.timedOut}  not sent ${c.notSent}`,
    `           success ${(summary.successRate * 100).toFixed(2)} %  errors ${(summary.errorRate * 100).toFixed(2)} %` +
      (Object.keys(summary.failuresByReason).length
        ? `  (${Object.entries(summary.failuresByReason)
            .map(([r, n]) => `${r}: ${n}`)
            .join(', ')})`
        : ''),
    `Latency    ${''.padEnd(16)}${['p50', 'p90', 'p95', 'p99', 'max'].map((h) => h.padStart(10)).join('')}`,
    row('end to end', summary.latencyMs.e2e),
    row('queue wait', summary.latencyMs.queueWait),
    row('inference', summary.latencyMs.inference),
    `Throughput target ${summary.throughput.targetRps} req/s, sent ${summary.throughput.sentRps} req/s, completed ${summary.throughput.completedRps} req/s (peak ${summary.throughput.peakCompletedRps})`,
    ...(summary.generation
      ? [
          `Tokens     ${summary.generation.tokens} generated (${summary.generation.meanTokensPerRequest} per request), ${summary.generation.tokensPerSecond} tokens/s (peak second ${summary.generation.peakTokensPerSecond})`,
        ]
      : []),
    `Schedule   max error ${summary.schedule.maxRateErrorPct.toFixed(2)} % per second, lateness p50 ${ms(summary.schedule.latenessMs.p50)} p99 ${ms(summary.schedule.latenessMs.p99)}` +
      ` max ${ms(summary.schedule.latenessMs.max)}, ${summary.schedule.lateSends} send(s) after the next was due` +
      (summary.schedule.generatorLimited ? `\n           GENERATOR-LIMITED: ${summary.schedule.generatorLimitedReasons.join('; ')}` : ' (schedule kept)'),
  ];
  const scaling = summary.scaling;
  if (scaling) {
    const toSlo =
      scaling.spikeToSloSeconds === null
        ? summary.slo.p99Seconds === undefined
          ? 'n/a without --slo-p99'
          : 'not within the run'
        : `${scaling.spikeToSloSeconds} s`;
    lines.push(
      `Scaling    ${scaling.policy}; peak ${scaling.peakReplicas.desired} desired / ${scaling.peakReplicas.ready} ready, ${scaling.replicaSeconds} replica-seconds, ${scaling.events.length} scale events`,
      `           spike at ${scaling.spike.second} s (${scaling.spike.rps} req/s): p99 back under the SLO (and held 10 s) after ${toSlo}; peak backlog ${scaling.peakBacklog}; failed during cold starts ${scaling.failedDuringColdStarts}`,
      ...scaling.events.map((e) => `           ${e.t.toFixed(0).padStart(5)} s  ${e.from} → ${e.to}  ${e.reason}`),
      ...(scaling.simulatedDevice
        ? [
            `           SIMULATED DEVICE: every batch held ${scaling.simulatedDevice.perBatchMs} ms + ${scaling.simulatedDevice.perItemMs} ms per item by a timer (no accelerator, no CPU)`,
          ]
        : []),
    );
  }
  if (summary.slo.p99Seconds !== undefined || summary.slo.maxErrorRate !== undefined) {
    lines.push(`SLO        ${summary.slo.passed ? 'PASSED' : `MISSED: ${summary.slo.violations.join('; ')}`}`);
  }
  lines.push(`Report     ${reportDir}/report.html`, '');
  return lines.join('\n');
}
