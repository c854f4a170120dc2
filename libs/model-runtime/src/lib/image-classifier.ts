import type { InferResponse } from '@ai/contracts';
import { topK } from './probabilities';
import { classifyRow } from './classify-row';
import { createImagePreprocessor } from './image-preprocessor';
import type { LoadedModel } from './loaded-model';

export interface ImageClassifierOptions {
  /** Largest width × height decoded (decompression-bomb guard). */
  maxInputPixels: number;
}

export type ImageClassification = Omit<InferResponse, 'model' | 'version'>;

/** Encoded image → preprocessing from the model's config → batched run → top-k labels. */
export interface ImageClassifier {
  classify(image: Buffer, k: number): Promise<ImageClassification>;
}

/** Checks that an image-classification model's config describes its input, and builds its classifier. */
export function createImageClassifier(model: LoadedModel, options: ImageClassifierOptions): ImageClassifier {
  const pre = model.config.preprocessing;
  if (!pre) throw new Error(`${model.version.dir}/config.json: an image-classification model needs "preprocessing"`);
  const rowDims = pre.layout === 'NCHW' ? [pre.channels, pre.height, pre.width] : [pre.height, pre.width, pre.channels];
  const declared = model.config.inputs[0].shape.slice(1);
  if (declared.length !== 3 || declared.some((d, i) => d >= 0 && d !== rowDims[i])) {
    throw new Error(`${model.version.dir}/config.json: input shape [${model.config.inputs[0].shape}] does not match preprocessing ${pre.layout} [${rowDims}]`);
  }
  const preprocess = createImagePreprocessor(pre, options);
  return {
    async classify(image, k) {
      const started = performance.now();
      const row = await preprocess(image);
      const preprocessMs = performance.now() - started;
      const { probabilities, timings } = await classifyRow(model, row, rowDims);
      return {
        predictions: topK(probabilities, k, model.config.labels),
        timings: { preprocessMs, ...timings, totalMs: performance.now() - started },
      };
    },
  };
}
