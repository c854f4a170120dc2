import type { RunnableSession, TensorMap } from '@ai/model-runtime';

export interface RawResult {
  batchSize: number;
  runs: number;
  meanMs: number;
  imagesPerSecond: number;
}

/** Back-to-back `session.run` at one batch size for about `seconds` (at least `minRuns`), after one warm-up run. */
export async function measureRaw(session: RunnableSession, feeds: (rows: number) => TensorMap, batchSize: number, seconds: number, minRuns = 5): Promise<RawResult> {
  const input = feeds(batchSize);
  await session.run(input);
  const started = performance.now();
  let runs = 0;
  while (runs < minRuns || performance.now() - started < seconds * 1000) {
    await session.run(input);
    runs += 1;
  }
  const elapsed = (performance.now() - started) / 1000;
  return { batchSize, runs, meanMs: (elapsed * 1000) / runs, imagesPerSecond: (runs * batchSize) / elapsed };
}
