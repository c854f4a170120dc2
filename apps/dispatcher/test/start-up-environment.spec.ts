import { startNodeService, startRedisServer, type RunningNodeService, type RunningRedisServer } from '@ai/local-stack';
import { startFakeInference, type FakeInference } from './support/fake-inference';
import { postJson, waitForJob } from './support/dispatcher';

describe('dispatcher start-up with the environment a reference-design user writes', () => {
  let redis: RunningRedisServer;
  let inference: FakeInference;
  let dispatcher: RunningNodeService;
  beforeAll(async () => {
    redis = await startRedisServer();
    inference = await startFakeInference();
    dispatcher = await startNodeService({
      name: 'dispatcher',
      entry: 'apps/dispatcher/src/main.ts',
      env: { REDIS_URL: redis.url, INFERENCE_URL: inference.url, DRAIN_RATE: '0', CONCURENCY: '4', QUEUE_NAME: 'jobs', LOG_LEVEL: 'warn' },
      readyPath: '/ready',
      readyTimeoutMs: 90_000,
    });
  }, 120_000);
  afterAll(async () => {
    await dispatcher?.stop();
    await inference?.close();
    await redis?.dispose();
  });

  it('sends the jobs to INFERENCE_URL, the single-model form of INFERENCE_URLS', async () => {
    const { status, body } = await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-cnn', image: 'aGVsbG8=' });
    expect(status).toBe(202);
    expect((await waitForJob(dispatcher.url, body.jobId)).state).toBe('completed');
    expect(inference.served['/infer']).toBe(1);
  });

  it('warns through its JSON log about each variable it ignores, naming the setting meant', () => {
    const warnings = dispatcher
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .filter((line) => line.level === 'warn' && ['CONCURENCY', 'QUEUE_NAME', 'INFERENCE_URL'].includes(line.variable));
    expect(warnings.map((w) => [w.variable, w.suggestion, w.message])).toEqual([
      ['CONCURENCY', 'CONCURRENCY', 'environment variable CONCURENCY is not a setting and is ignored; did you mean CONCURRENCY?'],
      ['QUEUE_NAME', undefined, 'environment variable QUEUE_NAME is not a setting and is ignored'],
    ]);
  });
});
