/**
 * The embedded stack's scaling loop on real processes (redis-server, dispatcher, inference replicas) with the chart's
 * own policy. SIMULATED_DEVICE_MS_PER_ITEM gives every replica a fixed capacity (30 ms per image, at most 33 req/s; five replicas 165 req/s, headroom to drain the backlog built during the 30 s scale-up window),
 * so adding replicas adds throughput even on a loaded 2-core machine.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WORKSPACE_ROOT, waitFor } from '@ai/local-stack';
import { parseWorkload } from '@ai/workload';
import { startEmbeddedStack, type EmbeddedScaling, type EmbeddedStack } from '../src/embedded-stack';
import { ImageSet } from '../src/image-set';
import { runLoadTest, writeLoadTestReport } from '../src/load-test';
import { startCallbackListener, type RunningCallbackListener } from '../src/callback-listener';
import { createLogger } from '@ai/observability';

const DEVICE = { perBatchMs: 0, perItemMs: 30 };
/** How much longer a replica may take to start (and load its model) on a machine busy with other builds and tests. */
const REPLICA_START_ALLOWANCE_S = 30;
const images = ImageSet.load(join(WORKSPACE_ROOT, 'workloads/images'));

describe("autoscaling in the embedded stack (real processes, the chart's policy)", () => {
  let out: string;
  let stack: EmbeddedStack | undefined;
  let receiver: RunningCallbackListener | undefined;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'autoscale-e2e-'));
  });
  afterEach(async () => {
    await receiver?.stop();
    await stack?.stop();
    receiver = undefined;
    stack = undefined;
  });
  afterAll(() => {
    if (process.env.KEEP_REPORT) console.log(`reports kept in ${out}`);
    else rmSync(out, { recursive: true, force: true });
  });

  /** Starts the stack and a callback receiver; runs `rates`, stopping early once `until` holds (checked each second). */
  async function run(rates: number[], scaling: EmbeddedScaling, until?: (s: EmbeddedStack) => boolean) {
    stack = await startEmbeddedStack({ model: 'digits-cnn', peakRate: Math.max(...rates), scaling, simulatedDevice: DEVICE });
    receiver = await startCallbackListener({
      port: 0,
      host: '127.0.0.1',
      logger: createLogger({ service: 'autoscale-test', level: 'error', silent: true }),
    });
    const controller = new AbortController();
    const s = stack;
    const watch = setInterval(() => until?.(s) && controller.abort(), 1_000);
    try {
      const completed = await runLoadTest({
        target: stack.target,
        model: 'digits-cnn',
        rates,
        workloadFile: 'test',
        bodies: images,
        collect: 'callback',
        arrivals: 'uniform',
        timeoutMs: 60_000,
        reportsDir: out,
        callbackUrl: receiver.callbackUrl,
        receiver: receiver.receiver,
        embedded: true,
        scaler: stack.scaler,
        scalingPolicy: stack.policyDescription,
        simulatedDevice: DEVICE,
        signal: controller.signal,
      });
      const report = await writeLoadTestReport(completed, { p99Seconds: 1, maxErrorRate: 0 });
      return { completed, summary: report.summary, dir: report.dir };
    } finally {
      clearInterval(watch);
    }
  }

  it('on spike.txt: replicas rise to 4+ within 45 s, p99 is back under 1 s within 60 s, nothing fails, and the scale-down waits for its window', async () => {
    const rates = parseWorkload(readFileSync(join(WORKSPACE_ROOT, 'workloads/spike.txt'), 'utf8'));
    const loadEnds = rates.findLastIndex((r) => r > 0) + 1;
    // The idle tail only waits for the scale-down: stop once it happened.
    const scaledDown = (s: EmbeddedStack) => s.scaler.events.some((e) => e.to < e.from);
    const { completed, summary, dir } = await run(rates, { autoscale: true }, scaledDown);
    // What the loop did, for a failure message.
    const polls = stack!.scaler.polls;
    const story = polls
      .map((p) => `${((p.at - polls[0].at) / 1000).toFixed(0)}s ${p.current}→${p.replicas} ${p.reason} ${JSON.stringify(p.values)}`)
      .join('\n');
    expect({ story, timedOut: summary.counts.timedOut }).toMatchObject({ timedOut: 0 });

    // Nothing lost: every request sent completed.
    const c = summary.counts;
    expect({ failed: c.failed, timedOut: c.timedOut, completed: c.completed }).toEqual({ failed: 0, timedOut: 0, completed: c.sent });
    expect(c.sent).toBe(rates.reduce((a, b) => a + b, 0));

    const scaling = summary.scaling!;
    expect(scaling.spike.second).toBe(rates.findIndex((r) => r > 0));
    const up = scaling.events.find((e) => e.to > e.from)!;
    expect(up).toMatchObject({ reason: 'backlog' });
    // The policy asks for 4+ within 45 s of the spike. Ready follows once the new processes have loaded the model:
    // about 29 s after the spike on an idle machine (BENCHMARKS.md), longer while CI builds and tests beside it, so
    // readiness and the recovery of p99 get the start time of a replica under that contention on top.
    const desiredAt = completed.samples.find((s) => s.t >= scaling.spike.second && (s.scaling?.desired ?? 0) >= 4);
    expect(desiredAt).toBeDefined();
    expect(desiredAt!.t - scaling.spike.second).toBeLessThanOrEqual(45);
    const readyAt = completed.samples.find((s) => s.t >= scaling.spike.second && (s.scaling?.ready ?? 0) >= 4);
    expect(readyAt).toBeDefined();
    expect(readyAt!.t - scaling.spike.second).toBeLessThanOrEqual(45 + REPLICA_START_ALLOWANCE_S);
    expect(scaling.spikeToSloSeconds).not.toBeNull();
    expect(scaling.spikeToSloSeconds!).toBeLessThanOrEqual(60 + REPLICA_START_ALLOWANCE_S);
    expect(scaling.failedDuringColdStarts).toBe(0);

    // The scale-down came after the load, only once every proposal of the last 60 s (the chart's window) allowed it.
    const down = stack!.scaler.events.find((e) => e.to < e.from)!;
    const lastHigh = [...polls].reverse().find((p) => p.at < down.at && (p.proposal ?? 0) > down.to)!;
    expect(lastHigh).toBeDefined();
    // Poll times are sums of float seconds: allow a microsecond of rounding.
    expect((down.at - lastHigh.at) / 1000).toBeGreaterThanOrEqual(60 - 1e-6);
    expect(scaling.events.find((e) => e.to < e.from)!.t).toBeGreaterThan(loadEnds);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('Simulated device');
  }, 240_000);

  it('scale to zero: after idle past the cooldown no inference process runs; the first request waits in Redis, then completes', async () => {
    const values = join(out, 'short-cooldown.yaml');
    writeFileSync(values, 'inference:\n  defaults:\n    autoscaling:\n      cooldownPeriod: 5\n');
    const rates = [...Array(25).fill(0), 2, 2, ...Array(3).fill(0)];
    const { completed, summary } = await run(rates, { autoscale: true, minReplicas: 0, valuesFiles: [resolve(values)] });
    const events = summary.scaling!.events;
    expect(events.map((e) => [e.from, e.to, e.reason])).toEqual([
      [1, 0, 'cooldown'],
      [0, 1, 'activation (backlog)'],
    ]);
    // Between the two, nothing ran.
    const asleep = completed.samples.filter((s) => s.t > events[0].t + 1 && s.t < events[1].t);
    expect(asleep.length).toBeGreaterThan(3);
    expect(asleep.every((s) => s.scaling!.starting + s.scaling!.ready === 0)).toBe(true);
    expect(summary.counts).toMatchObject({ sent: 4, completed: 4, failed: 0, timedOut: 0 });
  }, 180_000);

  it('replicas removed under load lose nothing: accepted = completed', async () => {
    const rates = Array(14).fill(30);
    let removed = false;
    const { summary } = await run(rates, { autoscale: false, replicas: 3 }, (s) => {
      if (!removed && s.scaler.counts().ready === 3) {
        // Give the dispatcher a few seconds of three, then take two away while requests keep coming.
        setTimeout(() => s.scaler.setReplicas(1), 4_000);
        removed = true;
      }
      return false;
    });
    expect(removed).toBe(true);
    await waitFor('the two to have drained', () => stack!.scaler.counts().stopping === 0, 30_000);
    expect(summary.scaling!.events.map((e) => [e.from, e.to])).toEqual([[3, 1]]);
    expect(summary.counts).toMatchObject({ sent: 420, completed: 420, failed: 0, timedOut: 0 });
  }, 180_000);
});
