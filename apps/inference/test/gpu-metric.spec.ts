import { Registry } from 'prom-client';
import { cachedGpuProbe, createInferenceMetrics } from '../src/metrics';

const gpu = (index: number, utilizationPercent: number) => ({ index, name: 'NVIDIA H200', utilizationPercent, memoryUsedMiB: 1024, memoryTotalMiB: 143771 });

it("exposes each GPU's utilisation from nvidia-smi at scrape time, for the dashboards' GPU panel", async () => {
  const registry = new Registry();
  let readings = [gpu(0, 37), gpu(1, 90)];
  createInferenceMetrics(registry, { model: 'tiny-lm', version: '1' }, async () => readings);
  expect(await registry.metrics()).toContain('inference_gpu_utilization_percent{model="tiny-lm",version="1",gpu="0"} 37');
  expect(await registry.metrics()).toContain('inference_gpu_utilization_percent{model="tiny-lm",version="1",gpu="1"} 90');
  readings = [gpu(0, 5)];
  const text = await registry.metrics();
  expect(text).toContain('inference_gpu_utilization_percent{model="tiny-lm",version="1",gpu="0"} 5');
  expect(text).not.toContain('gpu="1"');
});

it('has no series on a host without GPUs (nvidia-smi missing), only the declaration', async () => {
  const registry = new Registry();
  createInferenceMetrics(registry, { model: 'digits-cnn', version: '2' }, async () => undefined);
  const text = await registry.metrics();
  expect(text).toContain('# TYPE inference_gpu_utilization_percent gauge');
  expect(text).not.toMatch(/^inference_gpu_utilization_percent\{/m);
});

it('asks nvidia-smi at most once per TTL', async () => {
  let calls = 0;
  const probe = cachedGpuProbe(async () => (calls++, [gpu(0, 1)]), 60_000);
  await probe();
  await probe();
  expect(calls).toBe(1);
});
