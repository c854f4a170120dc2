import { completeModelConfig, type ConfigSources } from './model-config-completion';
import type { ModelSignature } from './model-signature';

const image = (shape: number[], output = 'logits', classes = 1000): ModelSignature => ({
  inputs: [{ name: 'pixels', type: 'float32', shape }],
  outputs: [{ name: output, type: 'float32', shape: [-1, classes] }],
});
const sources = (signature: ModelSignature, declared: Record<string, unknown> = {}, labels?: string[]): ConfigSources => ({
  dir: '/repo/zoo/3',
  name: 'zoo',
  version: '3',
  declared,
  signature,
  labels,
});

describe('completeModelConfig', () => {
  it('makes an NCHW RGB classifier with ImageNet normalisation from the model alone, naming it after its folders', () => {
    const { config, autoCompleted } = completeModelConfig(sources(image([-1, 3, 224, 224])));
    expect(config).toMatchObject({
      name: 'zoo',
      version: '3',
      task: 'image-classification',
      inputs: [{ name: 'pixels', dtype: 'float32', shape: [-1, 3, 224, 224] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: [-1, 1000] }],
      outputKind: 'logits',
      labels: [],
      preprocessing: { width: 224, height: 224, channels: 3, layout: 'NCHW', scale: 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
      maxBatchSize: 64,
    });
    expect(autoCompleted).toEqual(['name', 'version', 'inputs', 'outputs', 'task', 'preprocessing', 'outputKind']);
  });

  it('reads NHWC, a fixed batch of one, free spatial sides and a probability output from the shapes and names', () => {
    const { config } = completeModelConfig(sources(image([1, -1, -1, 3], 'probabilities')));
    expect(config.preprocessing).toMatchObject({ layout: 'NHWC', channels: 3, width: 224, height: 224 });
    expect(config.maxBatchSize).toBe(1);
    expect(config.outputKind).toBe('probabilities');
  });

  it('gives a one-channel input no normalisation, and takes labels.txt', () => {
    const labels = ['zero', 'one', 'two'];
    const { config, autoCompleted, warnings } = completeModelConfig(sources(image([-1, 1, 28, 28], 'logits', 3), {}, labels));
    expect(config.preprocessing).toMatchObject({ channels: 1, width: 28, height: 28, mean: [0], std: [1] });
    expect(config.labels).toEqual(labels);
    expect(autoCompleted).toContain('labels');
    expect(warnings).toEqual([]);
  });

  it('lets a partial config.json override only what it names, down to one preprocessing field', () => {
    const declared = { description: 'my model', labels: ['a', 'b'], preprocessing: { mean: [0.5, 0.5, 0.5] }, maxBatchSize: 8 };
    const { config, autoCompleted, warnings } = completeModelConfig(sources(image([-1, 3, 160, 160], 'logits', 2), declared, ['ignored', 'too']));
    expect(config).toMatchObject({ description: 'my model', labels: ['a', 'b'], maxBatchSize: 8, task: 'image-classification' });
    expect(config.preprocessing).toMatchObject({ width: 160, height: 160, mean: [0.5, 0.5, 0.5], std: [0.229, 0.224, 0.225] });
    expect(autoCompleted).not.toContain('labels');
    expect(autoCompleted).not.toContain('preprocessing');
    expect(warnings).toEqual([]);
  });

  it('tells tabular and text-generation models from their shapes', () => {
    const tabular = completeModelConfig(
      sources({ inputs: [{ name: 'x', type: 'float32', shape: [-1, 100] }], outputs: [{ name: 'y', type: 'float32', shape: [-1, 10] }] }),
    );
    expect(tabular.config.task).toBe('tabular-classification');
    const lm: ModelSignature = {
      inputs: [{ name: 'ids', type: 'int64', shape: [-1, -1] }],
      outputs: [{ name: 'logits', type: 'float32', shape: [-1, -1, 82] }],
    };
    expect(completeModelConfig(sources(lm, { tokenizer: { type: 'char', file: 'vocab.json' } })).config.task).toBe('text-generation');
    expect(() => completeModelConfig(sources(lm))).toThrow('/repo/zoo/3: a text-generation model needs "tokenizer" in config.json');
  });

  it('warns when the labels do not match the classes, and refuses what it cannot tell or serve', () => {
    expect(completeModelConfig(sources(image([-1, 3, 224, 224]), {}, ['only', 'two'])).warnings).toEqual([
      'labels.txt has 2 labels but output "logits" has 1000 classes',
    ]);
    const twoInputs: ModelSignature = {
      inputs: [...image([-1, 3, 8, 8]).inputs, { name: 'mask', type: 'float32', shape: [-1, 8] }],
      outputs: image([]).outputs,
    };
    expect(() => completeModelConfig(sources(twoInputs))).toThrow(
      /cannot tell the task from inputs pixels float32\[-1,3,8,8\], mask float32\[-1,8\] .*; set "task" in config\.json/,
    );
    const half: ModelSignature = { inputs: [{ name: 'x', type: 'float16', shape: [-1, 3, 8, 8] }], outputs: image([]).outputs };
    expect(() => completeModelConfig(sources(half))).toThrow('"x" holds float16, which is not served');
  });
});
