import type { RunnableSession, TensorMap } from '@ai/model-runtime';

export interface RawResult {
  batchSize: number;
  runs: number;
  meanMs: number;
  /** Median time of one run. */
  p50Ms: number;
  imagesPerSecond: number;
  /** CPU time of this process (every thread) per image, ms: the run's own threads, spinning included. */
  cpuMsPerImage: number;
}

/**
 * Back-to-back `session.run` at one batch size for about `seconds` (at least `minRuns` in all), after one warm-up
 * run. With several sessions (on worker threads of their own), each runs its own loop at the same time, as model
 * instances do; `meanMs` is then the mean time of one run.
 */
export async function measureRaw(
  sessions: RunnableSession[],
  feeds: (rows: number) => TensorMap,
  batchSize: number,
  seconds: number,
  minRuns = 5,
): Promise<RawResult> {
  const input = feeds(batchSize);
  await Promise.all(sessions.map((session) => session.run(input)));
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const times: number[] = [];
  await Promise.all(
    sessions.map(async (session) => {
      while (times.length < minRuns || performance.now() - started < seconds * 1000) {
        const t0 = performance.now();
        await session.run(input);
        times.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const runs = times.length;
  times.sort((a, b) => a - b);
  return {
    batchSize,
    runs,
    meanMs: (elapsed * 1000 * sessions.length) / runs,
    p50Ms: times[Math.floor(runs / 2)],
    imagesPerSecond: (runs * batchSize) / elapsed,
    cpuMsPerImage: (cpu.user + cpu.system) / 1000 / (runs * batchSize),
  };
}
