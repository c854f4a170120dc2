import type { Worker } from 'node:worker_threads';
import { startNodeService } from '@ai/local-stack';
import { WorkerSession } from '@ai/model-runtime';
import { readJson, sampleImages, startInference } from './inference-test-kit';

describe('graceful shutdown', () => {
  it('on SIGTERM, finishes the requests in flight, then exits 0', async () => {
    const service = await startNodeService({
      name: 'inference',
      entry: 'apps/inference/src/main.ts',
      env: { MODEL_NAME: 'digits-cnn', ENABLE_LOAD_ENDPOINT: 'true', ARTIFICIAL_CPU_SEC: '0.3' },
      readyPath: '/readyz',
    });
    const image = sampleImages()[0];
    // A 1.5 s burn (in a worker, so the server keeps answering) and an inference with artificial CPU work.
    const load = fetch(`${service.url}/load?duration=1.5`);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const infer = fetch(`${service.url}/infer`, { method: 'POST', headers: { 'content-type': image.contentType }, body: image.bytes });
    await new Promise((resolve) => setTimeout(resolve, 100));
    service.process.kill('SIGTERM');

    const [loadRes, inferRes] = await Promise.all([load, infer]);
    expect(loadRes.status).toBe(200);
    expect((await readJson(loadRes)).burnedSeconds).toBeGreaterThanOrEqual(1.5);
    expect(inferRes.status).toBe(200);
    expect((await readJson(inferRes)).predictions[0].label).toBe(image.label);
    expect(await service.exited).toBe(0);
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
  });
});

describe('draining', () => {
  it('turns readiness false at once while still serving for DRAIN_DELAY_MS, then closes', async () => {
    const service = await startInference({ MODEL_NAME: 'digits-cnn', DRAIN_DELAY_MS: '3000' });
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    const stopped = service.stop();
    const readyz = await fetch(`${service.url}/readyz`);
    expect(readyz.status).toBe(503);
    expect((await readJson(readyz)).checks.accepting).toEqual({ ok: false, message: 'draining before shutdown' });
    expect((await readJson(await fetch(`${service.url}/health`))).status).toBe('draining');
    expect((await fetch(`${service.url}/v2/health/ready`)).status).toBe(503);
    const image = sampleImages()[0];
    const infer = await fetch(`${service.url}/infer`, { method: 'POST', headers: { 'content-type': image.contentType }, body: image.bytes });
    expect(infer.status).toBe(200);
    await stopped;
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
  });
});

describe('a dead model session', () => {
  it('fails liveness and readiness, so the orchestrator restarts the process, and requests get an error, not a hang', async () => {
    // About one session on one worker thread: digits-cnn would otherwise run on the main thread (MODEL_THREAD=auto),
    // and MODEL_INSTANCES=auto would open others beside it.
    const service = await startInference({ MODEL_NAME: 'digits-cnn', MODEL_THREAD: 'worker', MODEL_INSTANCES: '1' });
    try {
      const [instance] = service.model.session.instances;
      expect(instance).toBeInstanceOf(WorkerSession);
      // What a crash of the session's thread looks like from the outside.
      await (instance as unknown as { worker: Worker }).worker.terminate();
      const healthz = await fetch(`${service.url}/healthz`);
      expect(healthz.status).toBe(503);
      expect(await readJson(healthz)).toEqual({ status: 'failed', reason: expect.stringMatching(/session worker exited/) });
      expect((await fetch(`${service.url}/readyz`)).status).toBe(503);
      const image = sampleImages()[0];
      const infer = await fetch(`${service.url}/infer`, { method: 'POST', headers: { 'content-type': image.contentType }, body: image.bytes });
      expect(infer.status).toBe(500);
      expect(JSON.stringify(await readJson(infer))).not.toMatch(/at .*\.ts:/);
    } finally {
      await service.stop();
    }
  });
});
