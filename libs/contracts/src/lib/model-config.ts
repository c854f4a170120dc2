import { z } from 'zod';

/** Model names double as queue names: keep them to characters that are safe in Redis keys and URLs. */
export const ModelName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes, at most 63 characters');

/** What a model in the repository does; decides which endpoints the inference service mounts for it. */
export const ModelTask = z.enum(['image-classification', 'tabular-classification', 'text-generation']);
export type ModelTask = z.infer<typeof ModelTask>;

export const TensorDataType = z.enum(['float32', 'int64', 'int32', 'uint8']);
export type TensorDataType = z.infer<typeof TensorDataType>;

/** One model input or output. A -1 dimension is dynamic (the batch dimension is always dimension 0). */
export const TensorSpec = z.object({
  name: z.string().min(1),
  dtype: TensorDataType,
  shape: z.array(z.number().int().min(-1)).min(1),
});
export type TensorSpec = z.infer<typeof TensorSpec>;

/** How raw images become the model's input tensor. Defaults describe the digits models. */
export const ImagePreprocessing = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  channels: z.union([z.literal(1), z.literal(3)]),
  layout: z.enum(['NCHW', 'NHWC']).default('NCHW'),
  /** Pixel values are divided by `scale` first (255 maps bytes to [0, 1]). */
  scale: z.number().positive().default(255),
  /** Per-channel mean and std applied after scaling: (x / scale - mean) / std. */
  mean: z.array(z.number()).min(1).default([0]),
  std: z.array(z.number().positive()).min(1).default([1]),
  /** MNIST digits are white on black; photos of dark ink on paper need inverting. */
  invert: z.boolean().default(false),
  resize: z.enum(['fill', 'contain', 'cover']).default('fill'),
});
export type ImagePreprocessing = z.infer<typeof ImagePreprocessing>;

/** Tokenizer of a text-generation model, stored beside it in the repository. */
export const TokenizerConfig = z.object({
  type: z.enum(['char', 'gpt2-bpe']),
  /** Path of the vocabulary file, relative to the version folder. */
  file: z.string().min(1),
  bosTokenId: z.number().int().nonnegative().optional(),
  eosTokenId: z.number().int().nonnegative().optional(),
});
export type TokenizerConfig = z.infer<typeof TokenizerConfig>;

/** `models/<name>/<version>/config.json`. */
export const ModelConfig = z
  .object({
    name: ModelName,
    version: z.string().regex(/^[0-9]+$/, 'a positive integer'),
    task: ModelTask,
    description: z.string().default(''),
    /** The file in the version folder; model.onnx by convention. */
    file: z.string().default('model.onnx'),
    inputs: z.array(TensorSpec).min(1),
    outputs: z.array(TensorSpec).min(1),
    /** The output is logits (softmax applied by the server) or probabilities already. */
    outputKind: z.enum(['logits', 'probabilities']).default('logits'),
    labels: z.array(z.string()).default([]),
    preprocessing: ImagePreprocessing.optional(),
    tokenizer: TokenizerConfig.optional(),
    /** Text generation: the most tokens fed to the model per step (older tokens are dropped from its input). */
    contextWindow: z.number().int().positive().optional(),
    /** Largest batch the model accepts in one session.run; the dynamic batcher never exceeds it. */
    maxBatchSize: z.number().int().positive().default(64),
    /** Metrics recorded when the model was built (held-out accuracy, perplexity, ...). */
    metrics: z.record(z.string(), z.number()).default({}),
    /** Marks models that exist only to be measured (random weights), never served as classifiers. */
    benchmarkOnly: z.boolean().default(false),
  })
  .meta({ id: 'ModelConfig' });
export type ModelConfig = z.infer<typeof ModelConfig>;
