import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@ai/local-stack';
import { ImageSet } from '../src/image-set';
import { prepareRun, type RunSetup } from '../src/prepare-run';
import { PromptSet } from '../src/prompt-set';
import { RunSetupError } from '../src/run-setup-error';

const MODELS = join(WORKSPACE_ROOT, 'models');
const IMAGES = join(WORKSPACE_ROOT, 'workloads/images');
const PROMPTS = join(WORKSPACE_ROOT, 'workloads/prompts.txt');

const setup = (overrides: Partial<RunSetup>): RunSetup => ({
  workload: { text: '2,3', source: 'workload' },
  model: 'digits-cnn',
  defaultImages: IMAGES,
  defaultPrompts: PROMPTS,
  generation: { max_new_tokens: 8 },
  modelRepository: MODELS,
  ...overrides,
});

async function refusal(run: Promise<unknown>): Promise<RunSetupError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RunSetupError);
  return error as RunSetupError;
}

/** An HTTP server answering GET /v2/models/{name} for the models in `served`, 404 otherwise (as a dispatcher does). */
async function startMetadataServer(served: Record<string, unknown>) {
  const server = http.createServer((req, res) => {
    const name = /^\/v2\/models\/([^/]+)$/.exec(req.url ?? '')?.[1];
    const metadata = name === undefined ? undefined : served[decodeURIComponent(name)];
    res.writeHead(metadata ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(metadata ?? { error: { code: 'not_found', message: `no route for GET ${req.url}` } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('prepareRun: what requests carry follows the model task', () => {
  it('sends images for an image classifier of the repository (digits-cnn: image-classification)', async () => {
    const run = await prepareRun(setup({ model: 'digits-cnn', maxRequests: 4 }));
    expect(run.bodies).toBeInstanceOf(ImageSet);
    expect(run.bodies.size).toBe(4);
    expect(run).toMatchObject({ rates: [2, 3], model: 'digits-cnn', scheduled: 4, carrying: `images from ${IMAGES}` });
  });

  it('sends the default prompt pool for a text-generation model of the repository (tiny-lm)', async () => {
    const run = await prepareRun(setup({ model: 'tiny-lm' }));
    expect(run.bodies).toBeInstanceOf(PromptSet);
    expect(run.scheduled).toBe(5);
    expect(run.carrying).toBe(`prompts from ${PROMPTS}, 8 new tokens each`);
    const body = JSON.parse(`${run.bodies.bodyPrefixes('tiny-lm')[0].toString()}0"}`);
    expect(body).toMatchObject({ model: 'tiny-lm', generation: { max_new_tokens: 8 } });
    expect(typeof body.prompt).toBe('string');
  });

  it('refuses a model whose task the load tester cannot drive, naming the model and its task', async () => {
    const error = await refusal(prepareRun(setup({ model: 'digits-mlp' })));
    expect(error.field).toBe('model');
    expect(error.message).toContain('model "digits-mlp" is tabular-classification');
    expect(error.message).toContain(join(MODELS, 'digits-mlp', '1', 'config.json'));
  });

  it('sends what was given explicitly whatever the model task', async () => {
    expect((await prepareRun(setup({ model: 'digits-mlp', images: IMAGES }))).bodies).toBeInstanceOf(ImageSet);
    expect((await prepareRun(setup({ model: 'digits-cnn', prompts: PROMPTS }))).bodies).toBeInstanceOf(PromptSet);
    // Explicit pools need no task, so a model no one knows is fine too.
    expect((await prepareRun(setup({ model: 'not-in-any-repository', prompts: PROMPTS }))).model).toBe('not-in-any-repository');
  });

  it('asks the target (an inference service) for the task of a model the repository does not hold', async () => {
    const tinyLm = JSON.parse(readFileSync(join(MODELS, 'tiny-lm', '1', 'config.json'), 'utf8'));
    const inference = await startMetadataServer({
      'remote-lm': { name: 'remote-lm', versions: ['1'], platform: 'onnxruntime_onnx', inputs: [], outputs: [], config: { ...tinyLm, name: 'remote-lm' } },
    });
    try {
      const run = await prepareRun(setup({ model: 'remote-lm', target: inference.url }));
      expect(run.bodies).toBeInstanceOf(PromptSet);
      // A dispatcher has no /v2/models: the model stays unknown, and the message says where it was looked for.
      const error = await refusal(prepareRun(setup({ model: 'remote-cnn', target: inference.url })));
      expect(error.field).toBe('model');
      expect(error.message).toContain('model "remote-cnn": no task found');
      expect(error.message).toContain(MODELS);
      expect(error.message).toContain(`${inference.url} does not answer GET /v2/models/remote-cnn`);
    } finally {
      await inference.close();
    }
  });

  it('refuses an unknown model without a target, and a name that is no model name', async () => {
    expect((await refusal(prepareRun(setup({ model: 'no-such-model' })))).message).toMatch(/^model "no-such-model": no task found/);
    expect((await refusal(prepareRun(setup({ model: '../digits-cnn' })))).field).toBe('model');
  });

  it('names the workload line and column, the setting a too-long workload exceeds, and a pool that cannot be read', async () => {
    const parse = await refusal(prepareRun(setup({ workload: { text: '1\n2,x', source: 'workload' } })));
    expect(parse).toMatchObject({ field: 'workload', details: { line: 2, column: 3 } });
    expect(parse.message).toContain('workload:2:3');
    const long = await refusal(prepareRun(setup({ workload: { text: '1,1,1', source: 'workload' }, maxSeconds: { limit: 2, setting: 'MAX_RUN_SECONDS' } })));
    expect(long.message).toBe('3 seconds is longer than MAX_RUN_SECONDS (2)');
    const dir = mkdtempSync(join(tmpdir(), 'prepare-run-'));
    try {
      writeFileSync(join(dir, 'w.txt'), '1\n');
      expect((await prepareRun(setup({ workload: { file: join(dir, 'w.txt') } }))).rates).toEqual([1]);
      expect((await refusal(prepareRun(setup({ workload: { file: join(dir, 'missing.txt') } })))).field).toBe('workload');
      expect((await refusal(prepareRun(setup({ defaultImages: dir })))).field).toBe('images');
      expect((await refusal(prepareRun(setup({ model: 'tiny-lm', defaultPrompts: join(dir, 'none.txt') })))).field).toBe('prompts');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
