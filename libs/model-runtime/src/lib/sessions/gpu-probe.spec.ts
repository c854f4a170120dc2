import { parseNvidiaSmiCsv, probeGpus } from './gpu-probe';

describe('GPU probe', () => {
  it('parses nvidia-smi CSV without units', () => {
    expect(parseNvidiaSmiCsv('0, NVIDIA H100 80GB HBM3, 37, 1024, 81559\n1, Tesla T4, 0, 0, 15360\n')).toEqual([
      { index: 0, name: 'NVIDIA H100 80GB HBM3', utilizationPercent: 37, memoryUsedMiB: 1024, memoryTotalMiB: 81559 },
      { index: 1, name: 'Tesla T4', utilizationPercent: 0, memoryUsedMiB: 0, memoryTotalMiB: 15360 },
    ]);
  });

  it('answers undefined when nvidia-smi is absent', async () => {
    await expect(probeGpus({ command: '/nonexistent/nvidia-smi' })).resolves.toBeUndefined();
  });
});
