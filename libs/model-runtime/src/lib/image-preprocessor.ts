import sharp from 'sharp';
import type { ImagePreprocessing } from '@ai/contracts';
import { BadInputError } from './bad-input-error';
import { firstLine } from './error-message';

/** Decoded formats; anything else (SVG, TIFF, GIF, ...) is refused before decoding. */
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp']);

export interface ImagePreprocessorOptions {
  /** Largest width × height decoded; larger images are refused before their pixels are allocated. */
  maxInputPixels: number;
}

/** Turns encoded image bytes into one model input row (no batch dimension), as the model's config describes. */
export type ImagePreprocessor = (image: Buffer) => Promise<Float32Array>;

/** Elements of one preprocessed image: channels × height × width. */
export function imageTensorSize(pre: ImagePreprocessing): number {
  return pre.channels * pre.height * pre.width;
}

/**
 * Builds the preprocessing pipeline of an image classifier: decode (JPEG, PNG, WebP), resize to the model's size,
 * grayscale or RGB, invert, scale, per-channel mean/std, NCHW or NHWC. Corrupt bytes, other formats and
 * decompression bombs become {@link BadInputError}s, never crashes.
 */
export function createImagePreprocessor(pre: ImagePreprocessing, options: ImagePreprocessorOptions): ImagePreprocessor {
  const { width, height, channels } = pre;
  const mean = Array.from({ length: channels }, (_, c) => pre.mean[c] ?? pre.mean[0]);
  const std = Array.from({ length: channels }, (_, c) => pre.std[c] ?? pre.std[0]);

  return async (image) => {
    const metadata = await sharp(image, { limitInputPixels: false }).metadata().catch((error: unknown) => {
      throw new BadInputError(`image: not a decodable image (${firstLine(error)})`, 'image', 'invalid_image');
    });
    if (!metadata.format || !ACCEPTED_FORMATS.has(metadata.format)) {
      throw new BadInputError(`image: format ${metadata.format ?? 'unknown'} is not accepted (JPEG, PNG or WebP)`, 'image', 'unsupported_image_format');
    }
    const pixels = (metadata.width ?? 0) * (metadata.height ?? 0);
    if (pixels > options.maxInputPixels) {
      throw new BadInputError(
        `image: ${metadata.width}×${metadata.height} has ${pixels} pixels, over the limit of ${options.maxInputPixels}`,
        'image',
        'image_too_large',
      );
    }

    let pipeline = sharp(image, { limitInputPixels: options.maxInputPixels, failOn: 'error' }).rotate().flatten();
    pipeline = pipeline.resize(width, height, { fit: pre.resize, background: { r: 0, g: 0, b: 0 } });
    pipeline = channels === 1 ? pipeline.grayscale() : pipeline.toColourspace('srgb');
    const { data, info } = await pipeline
      .raw()
      .toBuffer({ resolveWithObject: true })
      .catch((error: unknown) => {
        throw new BadInputError(`image: cannot decode (${firstLine(error)})`, 'image', 'invalid_image');
      });

    // libvips may keep extra bands (e.g. 3 identical ones after grayscale); take the first `channels`.
    const stride = info.channels;
    const out = new Float32Array(channels * height * width);
    const plane = height * width;
    for (let p = 0; p < plane; p += 1) {
      for (let c = 0; c < channels; c += 1) {
        let v = data[p * stride + c];
        if (pre.invert) v = 255 - v;
        const value = (v / pre.scale - mean[c]) / std[c];
        out[pre.layout === 'NCHW' ? c * plane + p : p * channels + c] = value;
      }
    }
    return out;
  };
}
