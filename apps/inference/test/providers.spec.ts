import { startNodeService } from '@ai/local-stack';
import { getJson, startInference } from './inference-test-kit';

// This machine has no CUDA libraries: the case where onnxruntime-node throws instead of falling back by itself.
describe('execution providers', () => {
  it('with ORT_PROVIDERS=auto, falls back to CPU and says so in /health and the metrics', async () => {
    const service = await startInference({ MODEL_NAME: 'digits-cnn', ORT_PROVIDERS: 'auto', ORT_INTRA_OP_THREADS: '1' });
    try {
      expect(service.model.fallbackReason).toMatch(/CUDA execution provider unavailable/);
      expect((await getJson(`${service.url}/health`)).body.provider).toBe('cpu');
      expect(await (await fetch(`${service.url}/metrics`)).text()).toContain(
        'inference_provider_info{model="digits-cnn",version="2",provider="cpu",service="inference"} 1',
      );
    } finally {
      await service.stop();
    }
  });

  it('with ORT_PROVIDERS=auto, the process writes only JSON lines, the CUDA fallback included', async () => {
    const service = await startNodeService({
      name: 'inference',
      entry: 'apps/inference/src/main.ts',
      env: { MODEL_NAME: 'digits-cnn', ORT_PROVIDERS: 'auto', LOG_LEVEL: 'info' },
      readyPath: '/readyz',
    });
    await service.stop();
    const lines = service
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(lines.some((line) => line.includes('execution provider fallback'))).toBe(true);
    expect(
      lines.filter((line) => {
        try {
          JSON.parse(line);
          return false;
        } catch {
          return true;
        }
      }),
    ).toEqual([]);
  });

  it('with ORT_PROVIDERS=cuda, start-up fails with an error naming the provider', async () => {
    await expect(startInference({ MODEL_NAME: 'digits-cnn', ORT_PROVIDERS: 'cuda' })).rejects.toThrow(/cannot open .*model\.onnx on execution provider cuda/);
  });

  it('the process exits 1 with that message, and 2 (invalid configuration) with a message naming a bad variable', async () => {
    for (const [env, exitCode, messages] of [
      [{ ORT_PROVIDERS: 'cuda' }, 1, ['"message":"start-up failed"', 'on execution provider cuda: ']],
      [{ ORT_PROVIDERS: 'tpu' }, 2, ['invalid environment: ORT_PROVIDERS: ', '"problems":["ORT_PROVIDERS: ']],
    ] as const) {
      const service = await startNodeService({
        name: 'inference',
        entry: 'apps/inference/src/main.ts',
        env: { MODEL_NAME: 'digits-cnn', ...env },
        readyPath: null,
      });
      expect(await service.exited).toBe(exitCode);
      for (const message of messages) expect(service.output()).toContain(message);
    }
  });
});
