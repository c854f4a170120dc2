import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelConfig } from '@ai/contracts';
import { writeBenchModel } from '../src/export/bench-model';

describe('the benchmark model writer', () => {
  it('writes mobilenetv2-bench/1 with an ImageNet classifier config marked benchmark-only', () => {
    const repository = mkdtempSync(join(tmpdir(), 'bench-model-'));
    try {
      const dir = writeBenchModel(repository, { widthMultiplier: 0.35 });
      expect(dir).toBe(join(repository, 'mobilenetv2-bench', '1'));
      const config = ModelConfig.parse(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
      expect(config).toMatchObject({
        task: 'image-classification',
        benchmarkOnly: true,
        inputs: [{ name: 'input', dtype: 'float32', shape: [-1, 3, 224, 224] }],
        outputs: [{ name: 'logits', dtype: 'float32', shape: [-1, 1000] }],
        preprocessing: { width: 224, height: 224, channels: 3, layout: 'NCHW', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
      });
      expect(config.labels).toHaveLength(1000);
      expect(config.labels[999]).toBe('class-999');
      expect(readFileSync(join(dir, 'model.onnx')).length).toBeGreaterThan(1_000_000);
    } finally {
      rmSync(repository, { recursive: true, force: true });
    }
  });
});
