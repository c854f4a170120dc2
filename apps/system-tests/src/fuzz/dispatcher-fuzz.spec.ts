import { FUZZ_CASES, FUZZ_TEST_TIMEOUT_MS, fuzzApp } from '../support/fuzz-app';
import { dispatcherTargets } from '../support/dispatcher-fuzz-targets';
import { sampleImages } from '../support/sample-inputs';
import { Stack } from '../support/stack';

/** Stated bound: RSS after a fuzz run ≤ RSS before + this (heap growth, connection buffers). */
const RSS_GROWTH_BOUND_MB = 150;
const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * The dispatcher's contract has two 5xx answers that are not crashes: 504 from the synchronous /infer when
 * the wait runs out (with the job id to poll), and 502 `inference_failed` when the job finally failed
 * upstream for a server-side reason (an input the inference service refused is a 422, not a 5xx).
 */
function contractual5xx(status: number, body: unknown): boolean {
  const error = (body as { error?: { code?: string; jobId?: string; details?: { jobId?: string } } })?.error;
  return (status === 504 && error?.code === 'timeout' && !!error.jobId) || (status === 502 && error?.code === 'inference_failed' && !!error.details?.jobId);
}

/** Every endpoint of the dispatcher API, with real Redis and a real inference process behind it, 10,000 cases. */
describe('dispatcher under fuzzed input', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start({
      dispatcherEnv: {
        ATTEMPTS: '2',
        BACKOFF_MS: '100',
        CONCURRENCY: '8',
        SYNC_TIMEOUT_MS: '5000',
        CALLBACK_ATTEMPTS: '1',
        MAX_QUEUE_LENGTH: '5000',
        BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
      },
    });
  });

  afterAll(async () => {
    await stack?.dispose();
  });

  it(
    'answers every case with a valid result or a 4xx JSON error, stays up, and keeps memory bounded',
    async () => {
      const images = await sampleImages();
      const jobIds: string[] = [];
      // A few real job ids, so GET /jobs/:id also answers found.
      for (let i = 0; i < 5; i += 1) {
        const response = await fetch(`${stack.dispatcherUrl}/enqueue`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'digits-cnn', image: images[0].bytes.toString('base64') }),
        });
        jobIds.push(((await response.json()) as { jobId: string }).jobId);
      }
      const report = await fuzzApp(
        'dispatcher',
        [
          {
            service: stack.dispatchers[0],
            targets: dispatcherTargets(images, stack.receiver.url, () => jobIds),
            share: 1,
            livePath: '/ready',
            acceptable5xx: contractual5xx,
          },
        ],
        BODY_LIMIT_BYTES,
      );

      expect(report.cases).toBeGreaterThanOrEqual(FUZZ_CASES);
      expect(report.violations).toEqual([]);
      expect(report.valid).toBeGreaterThan(0);
      expect(report.processes[0].stillUp).toBe(true);
      expect(report.processes[0].rssAfterMb).toBeLessThanOrEqual(report.processes[0].rssBeforeMb + RSS_GROWTH_BOUND_MB);
      // The stack behind it survived too.
      expect((await fetch(`${stack.inference[0].url}/readyz`)).ok).toBe(true);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
