import type { InferResponse } from '@ai/contracts';
import { topK } from './probabilities';
import { toProbabilities } from './classify-row';
import type { DeferredTensor } from '../batching/dynamic-batcher';
import { createImageDecoder, createPixelWriter } from '../images/image-preprocessor';
import type { LoadedModel } from '../loaded-model';
import { StageClock } from '../batching/request-stages';

export interface ImageClassifierOptions {
  /** Largest width × height decoded (decompression-bomb guard). */
  maxInputPixels: number;
}

export type ImageClassification = Omit<InferResponse, 'model' | 'version'>;

/** Encoded image → preprocessing from the model's config → batched run → top-k labels. */
export interface ImageClassifier {
  /** Classifies `image`; its stages (decode to top-k) are charged to `clock` when one is given. */
  classify(image: Buffer, k: number, clock?: StageClock): Promise<ImageClassification>;
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
  const decode = createImageDecoder(pre, options);
  const write = createPixelWriter(pre);
  const inputName = model.config.inputs[0].name;
  const outputName = model.config.outputs[0].name;
  const dims = [1, ...rowDims];
  return {
    async classify(image, k, clock = new StageClock()) {
      const started = performance.now();
      // Announced while it decodes, so that a batch about to start on an idle instance waits for it.
      const expected = model.batcher.expect();
      let decoded;
      try {
        decoded = await decode(image);
      } catch (error) {
        expected.cancel();
        throw error;
      }
      const decodeMs = clock.lap('decode');
      // The 8-bit pixels become model values only when the batch is put together, straight into its tensor.
      let tensorMs = 0;
      const input: DeferredTensor = {
        type: 'float32',
        dims,
        writeTo(target, offset) {
          const t0 = performance.now();
          write(decoded, target as Float32Array, offset);
          tensorMs = performance.now() - t0;
        },
      };
      const result = await expected.submit({ [inputName]: input });
      // The batch's assembly is this request's conversion plus waiting for the other rows' conversion.
      clock.lapSplit('run', { tensor: tensorMs, queue: result.queueMs + result.assemblyMs - tensorMs, run: result.inferenceMs });
      const probabilities = toProbabilities(model, result.outputs[outputName].data as Float32Array);
      const predictions = topK(probabilities, k, model.config.labels);
      clock.lap('topk');
      return {
        predictions,
        timings: {
          preprocessMs: decodeMs + tensorMs,
          queueMs: result.queueMs,
          inferenceMs: result.inferenceMs,
          batchSize: result.batchSize,
          totalMs: performance.now() - started,
        },
      };
    },
  };
}
