import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNodeService, startRedisServer, WORKSPACE_ROOT, type RunningNodeService, type RunningRedisServer } from '@ai/local-stack';
import { cli } from './cli-process';

const SEVEN = join(WORKSPACE_ROOT, 'workloads/images/digit-7-1600-28px.png');

describe('the CLI against real redis-server, dispatcher and inference processes', () => {
  let redis: RunningRedisServer;
  let digits: RunningNodeService;
  let lm: RunningNodeService;
  let dispatcher: RunningNodeService;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cli-e2e-'));
    redis = await startRedisServer();
    [digits, lm] = await Promise.all([
      startNodeService({
        name: 'inference',
        entry: 'apps/inference/src/main.ts',
        env: { MODEL_NAME: 'digits-cnn', ORT_PROVIDERS: 'cpu' },
        readyPath: '/readyz',
        readyTimeoutMs: 90_000,
      }),
      startNodeService({
        name: 'inference-lm',
        entry: 'apps/inference/src/main.ts',
        env: { MODEL_NAME: 'tiny-lm', ORT_PROVIDERS: 'cpu' },
        readyPath: '/readyz',
        readyTimeoutMs: 90_000,
      }),
    ]);
    // The single-model INFERENCE_URL, as a user coming from the reference designs writes it.
    dispatcher = await startNodeService({
      name: 'dispatcher',
      entry: 'apps/dispatcher/src/main.ts',
      env: { REDIS_URL: redis.url, INFERENCE_URL: digits.url, DRAIN_RATE: '0', ATTEMPTS: '1' },
      readyPath: '/ready',
      readyTimeoutMs: 90_000,
    });
  }, 180_000);
  afterAll(async () => {
    await dispatcher?.stop();
    await Promise.all([digits?.stop(), lm?.stop()]);
    await redis?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('infer prints the top-k of each image through the dispatcher and straight from inference', async () => {
    const queued = await cli(['infer', SEVEN, '-k', '3', '--dispatcher', dispatcher.url]);
    expect(queued.code).toBe(0);
    expect(queued.stdout.split('\n')[0]).toMatch(/^digit-7-1600-28px\.png {2}digits-cnn v2 {2}job digits-cnn:\S+$/);
    expect(queued.stdout.split('\n')[1]).toMatch(/^ {2}1\. 7\s+\d+\.\d\d %$/);
    expect(queued.stdout.trim().split('\n')).toHaveLength(4);

    const direct = JSON.parse((await cli(['--json', 'infer', SEVEN, SEVEN, '--inference', digits.url])).stdout);
    expect(direct.results).toHaveLength(2);
    expect(direct.results[0]).toMatchObject({ model: 'digits-cnn', version: '2', predictions: expect.any(Array) });
    expect(direct.results[0].predictions[0].label).toBe('7');
  });

  it('infer of a file that is not an image fails that image with exit status 1, naming why', async () => {
    const notImage = join(dir, 'notes.png');
    writeFileSync(notImage, 'these are not pixels');
    const run = await cli(['infer', SEVEN, notImage, '--dispatcher', dispatcher.url]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/notes\.png: dispatcher: .*\(input_rejected\)/);
    expect(run.stderr).toBe('error: 1 of 2 images failed\n');
  });

  it('enqueue prints a job id that job then shows completed, and unknown jobs and queues are exit status 4', async () => {
    const enqueued = await cli(['enqueue', SEVEN, '--dispatcher', dispatcher.url]);
    expect(enqueued.code).toBe(0);
    const id = enqueued.stdout.trim();
    expect(id).toMatch(/^digits-cnn:/);
    let job = await cli(['--json', 'job', id, '--dispatcher', dispatcher.url]);
    for (let i = 0; i < 50 && JSON.parse(job.stdout).state !== 'completed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      job = await cli(['--json', 'job', id, '--dispatcher', dispatcher.url]);
    }
    expect(JSON.parse(job.stdout)).toMatchObject({ jobId: id, state: 'completed', result: { predictions: expect.any(Array) } });
    const text = await cli(['job', id, '--dispatcher', dispatcher.url]);
    expect(text.stdout).toMatch(new RegExp(`^${id} {2}digits-cnn {2}completed {2}attempts 1`));

    expect((await cli(['job', 'digits-cnn:nope', '--dispatcher', dispatcher.url])).code).toBe(4);
    const unknownQueue = await cli(['dead-letter', 'no-such-model', '--dispatcher', dispatcher.url]);
    expect(unknownQueue).toMatchObject({ code: 4, stderr: 'error: dispatcher: no queue for model no-such-model (not_found)\n' });
  });

  it('dead-letter lists the jobs that finally failed', async () => {
    const run = await cli(['--json', 'dead-letter', 'digits-cnn', '--dispatcher', dispatcher.url]);
    expect(run.code).toBe(0);
    const { jobs } = JSON.parse(run.stdout);
    // The rejected non-image of the infer test is there, with its reason.
    expect(jobs.some((job: { state: string; failedReason?: string }) => job.state === 'failed' && job.failedReason)).toBe(true);
  });

  it('generate streams the tokens as they arrive: the same text the non-streamed call gives for the seed', async () => {
    const run = await cli(['generate', 'Call me Ishmael.', '-n', '24', '--seed', '7', '--inference', lm.url]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^24 tokens, length; first token [\d.]+ ms, [\d.]+ ms\/token\n$/);
    const whole = await fetch(`${lm.url}/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'Call me Ishmael.', max_new_tokens: 24, seed: 7 }),
    }).then((res) => res.json() as Promise<{ generated_text: string }>);
    expect(run.stdout).toBe(`${whole.generated_text}\n`);
  });
});
