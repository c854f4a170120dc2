import type { RunnableSession, TensorMap } from '@ai/model-runtime';

export interface RawResult {
  batchSize: number;
  runs: number;
  meanMs: number;
  imagesPerSecond: number;
}

/**
 * Back-to-back `session.run` at one batch size for about `seconds` (at least `minRuns` in all), after one warm-up
 * run. With several sessions (on worker threads of their own), each runs its own loop at the same time, as model
 * instances do; `meanMs` is then the mean time of one run.
 */
export async function measureRaw(sessions: RunnableSession[], feeds: (rows: number) => TensorMap, batchSize: number, seconds: number, minRuns = 5): Promise<RawResult> {
  const input = feeds(batchSize);
  await Promise.all(sessions.map((session) => session.run(input)));
  const started = performance.now();
  let runs = 0;
  await Promise.all(
    sessions.map(async (session) => {
      while (runs < minRuns || performance.now() - started < seconds * 1000) {
        await session.run(input);
        runs += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { batchSize, runs, meanMs: (elapsed * 1000 * sessions.length) / runs, imagesPerSecond: (runs * batchSize) / elapsed };
}
