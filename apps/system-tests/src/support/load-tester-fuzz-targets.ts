import type { FuzzCase, FuzzTarget } from './fuzz-cases';
import { deepNesting, HUGE_NUMBERS, NASTY_STRINGS, randomJson, randomString } from './fuzz-cases';
import type { SeededRandom } from '@ai/seeded-random';

/** A JobCallback as the dispatcher POSTs it to /storeLatency. */
function callback(rng: SeededRandom): Record<string, unknown> {
  const enqueuedAt = Date.now() - rng.between(0, 10_000);
  return {
    jobId: `digits-cnn:${rng.between(0, 1e9)}`,
    model: 'digits-cnn',
    status: rng.pick(['completed', 'failed']),
    attempts: rng.between(1, 3),
    result: randomJson(rng),
    timings: { enqueuedAt, startedAt: enqueuedAt + 5, finishedAt: enqueuedAt + 20, queueWaitMs: 5, inferenceMs: 10, e2eMs: 20 },
  };
}

function json(mutation: string, path: string, value: unknown): Omit<FuzzCase, 'endpoint'> {
  return { mutation, method: 'POST', path, contentType: 'application/json', body: Buffer.from(JSON.stringify(value)) };
}

/**
 * Every endpoint of the load tester's server mode. Valid runs are tiny (a second or two against an address
 * nobody listens on); /generateReport renders a report (~2 s), so its cases are malformed but for a few.
 */
export function loadTesterTargets(): FuzzTarget[] {
  const storeLatency: FuzzTarget = {
    endpoint: 'POST /storeLatency',
    method: 'POST',
    path: () => '/storeLatency',
    valid: callback,
    special: (rng) =>
      rng.pick([
        () =>
          json('callback with huge timings', '/storeLatency', {
            ...callback(rng),
            timings: { enqueuedAt: rng.pick(HUGE_NUMBERS), e2eMs: rng.pick(HUGE_NUMBERS) },
          }),
        () => json('callback with a nasty job id', '/storeLatency', { ...callback(rng), jobId: rng.pick(NASTY_STRINGS) + randomString(rng, 20) }),
        () => json('callback with a deep result', '/storeLatency', { ...callback(rng), result: JSON.parse(deepNesting(rng, 200)) }),
        () => json('callback with a big result', '/storeLatency', { ...callback(rng), result: randomString(rng, 50_000) }),
      ])(),
  };
  const runLoadTest: FuzzTarget = {
    endpoint: 'POST /runLoadTest',
    method: 'POST',
    path: () => '/runLoadTest',
    valid: (rng) => ({ workload: rng.pick(['1', '2', '1,1', '0,1', '1\n']), maxImages: rng.between(1, 3) }),
    special: (rng) =>
      rng.pick([
        () => json('workload with unicode', '/runLoadTest', { workload: randomString(rng, rng.between(1, 100)), maxImages: 1 }),
        () =>
          json('workload with huge or negative rates', '/runLoadTest', {
            workload: rng.pick(['1000001', '-1', '1e999', 'NaN', '1,,2', '1;2', '\u0000', '1'.repeat(400)]),
            maxImages: 1,
          }),
        // Long but invalid at its end: the parser's cost on big input. (A valid workload of days would be
        // accepted and hold the single run slot that long: see RELIABILITY.md.)
        () => json('long workload with a bad last value', '/runLoadTest', { workload: '0,'.repeat(rng.between(1_000, 20_000)) + 'x', maxImages: 1 }),
        () => json('maxImages out of range', '/runLoadTest', { workload: '1', maxImages: rng.pick([0, -1, 100_001, 1.5, ...HUGE_NUMBERS]) }),
        () => json('model with nasty text', '/runLoadTest', { workload: '1', maxImages: 1, model: rng.pick(NASTY_STRINGS) }),
      ])(),
  };
  const generateReport: FuzzTarget = {
    endpoint: 'POST /generateReport',
    method: 'POST',
    path: () => '/generateReport',
    special: (rng) =>
      rng.chance(0.003)
        ? json('valid', '/generateReport', { totalRequests: rng.between(0, 5) })
        : rng.pick([
            () =>
              json('totalRequests wrong', '/generateReport', {
                totalRequests: rng.pick([-1, 1.5, '3', null, [], {}, ...HUGE_NUMBERS.filter((n) => !Number.isSafeInteger(n) || n < 0)]),
              }),
            () => json('unknown field', '/generateReport', { [rng.pick(['x', '__proto__', randomString(rng, 4)])]: randomJson(rng) }),
            () => json('not an object', '/generateReport', rng.pick([[], 'x', 42, true, [1, 2]])),
            () => ({
              mutation: 'malformed JSON',
              method: 'POST' as const,
              path: '/generateReport',
              contentType: 'application/json',
              body: Buffer.from(rng.pick(['{', '{"totalRequests":', '{"a":1}}', '\u0000', '{"totalRequests":1,}'])),
            }),
            () => ({
              mutation: 'deep nesting',
              method: 'POST' as const,
              path: '/generateReport',
              contentType: 'application/json',
              body: Buffer.from(deepNesting(rng, rng.pick([1_000, 50_000]))),
            }),
          ])(),
  };
  const probes: FuzzTarget = {
    endpoint: 'GET probes and unknown paths',
    method: 'GET',
    path: (rng) => rng.pick(['/health', '/openapi.json', '/storeLatency', '/runLoadTest', `/x${rng.between(0, 1e6)}`]),
  };
  // Cheap endpoints get more of the cases.
  return [storeLatency, storeLatency, storeLatency, runLoadTest, runLoadTest, generateReport, probes];
}
