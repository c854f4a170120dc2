import sharp from 'sharp';
import type { ImagePreprocessing } from '@ai/contracts';
import { BadInputError, firstLine } from '../errors';
import { createExactSizePngDecoder } from './exact-size-png';

/** Decoded formats; anything else (SVG, TIFF, GIF, ...) is refused before decoding. */
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp']);

export interface ImagePreprocessorOptions {
  /** Largest width × height decoded; larger images are refused before their pixels are allocated. */
  maxInputPixels: number;
}

/** Turns encoded image bytes into one model input row (no batch dimension), as the model's config describes. */
export type ImagePreprocessor = (image: Buffer) => Promise<Float32Array>;

/** An image decoded and resized to the model's size: 8-bit samples, `stride` interleaved bands per pixel. */
export interface DecodedImage {
  pixels: Buffer;
  /** Bands per pixel in `pixels`; the first `channels` of the model are used. */
  stride: number;
}

/** Encoded image bytes → the model's size and colour model, still 8-bit (see {@link createPixelWriter}). */
export type ImageDecoder = (image: Buffer) => Promise<DecodedImage>;

/** Writes a decoded image as one row of model values into `target` from element `offset`. */
export type PixelWriter = (image: DecodedImage, target: Float32Array, offset: number) => void;

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
  const decode = createImageDecoder(pre, options);
  const write = createPixelWriter(pre);
  return async (image) => {
    const decoded = await decode(image);
    const row = new Float32Array(imageTensorSize(pre));
    write(decoded, row, 0);
    return row;
  };
}

/**
 * The decoding half of {@link createImagePreprocessor}: decode (JPEG, PNG, WebP), orient, flatten, resize to the
 * model's size, grayscale or RGB; the 8-bit result is a quarter of the size of the model values it becomes. Corrupt
 * bytes, other formats and decompression bombs become {@link BadInputError}s.
 */
export function createImageDecoder(pre: ImagePreprocessing, options: ImagePreprocessorOptions): ImageDecoder {
  const libvips = createLibvipsImageDecoder(pre, options);
  // PNGs already at the model's size skip libvips when it would only copy or convert their pixels one by one.
  const exactSizePng = createExactSizePngDecoder(pre, options.maxInputPixels, libvips);
  return async (image) => (await exactSizePng(image)) ?? libvips(image);
}

/** {@link createImageDecoder} with every image through libvips (one sharp pipeline each). */
export function createLibvipsImageDecoder(pre: ImagePreprocessing, options: ImagePreprocessorOptions): ImageDecoder {
  const { width, height, channels } = pre;
  // libvips keeps the last 100 operations and their images (up to 50 MB) for reuse. Every request brings new
  // bytes, so nothing is ever reused, while keeping, hashing and evicting them costs CPU on every decode.
  sharp.cache(false);
  return async (image) => {
    // One sharp pipeline, one trip to libuv's thread pool: the format is read from the magic bytes, libvips checks
    // the pixel limit against the header before it allocates anything, and it orients, flattens and resizes only
    // images that need it. The header is parsed on its own only to explain a refusal.
    if (!hasAcceptedSignature(image)) throw await formatRefusal(image);
    let pipeline = sharp(image, { limitInputPixels: options.maxInputPixels, failOn: 'error', autoOrient: true })
      .flatten()
      .resize(width, height, { fit: pre.resize, background: { r: 0, g: 0, b: 0 } });
    pipeline = channels === 1 ? pipeline.grayscale() : pipeline.toColourspace('srgb');
    const { data, info } = await pipeline
      .raw()
      .toBuffer({ resolveWithObject: true })
      .catch(async (error: unknown) => {
        throw (
          (await pixelLimitRefusal(image, options.maxInputPixels)) ?? new BadInputError(`image: cannot decode (${firstLine(error)})`, 'image', 'invalid_image')
        );
      });
    return { pixels: data, stride: info.channels };
  };
}

/**
 * The converting half of {@link createImagePreprocessor}: 8-bit samples → model values (inversion, scale and
 * mean/std folded into one lookup table per channel) in the model's layout, written in place, so a batch tensor
 * is filled straight from the decoded images.
 */
export function createPixelWriter(pre: ImagePreprocessing): PixelWriter {
  const tables = channelLookupTables(pre);
  const plane = pre.height * pre.width;
  return ({ pixels, stride }, target, offset) => {
    if (pixels.length < plane * stride) throw new Error(`decoded image has ${pixels.length} bytes, expected ${plane * stride}`);
    if (pre.channels === 3 && pre.layout === 'NCHW' && stride >= 3) writeRgbPlanes(pixels, stride, plane, tables, target, offset);
    else writeAnyLayout(pixels, stride, pre, tables, target, offset);
  };
}

/** JPEG, PNG or WebP, by the first bytes of the file. */
function hasAcceptedSignature(image: Buffer): boolean {
  const jpeg = image[0] === 0xff && image[1] === 0xd8 && image[2] === 0xff;
  const png = image.subarray(0, 8).equals(PNG_SIGNATURE);
  const webp = image.toString('latin1', 0, 4) === 'RIFF' && image.toString('latin1', 8, 12) === 'WEBP';
  return jpeg || png || webp;
}
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Why bytes that are not JPEG, PNG or WebP are refused: another image format, or not an image at all. */
async function formatRefusal(image: Buffer): Promise<BadInputError> {
  const format = await sharp(image)
    .metadata()
    .then((m) => m.format)
    .catch(() => undefined);
  return format && !ACCEPTED_FORMATS.has(format)
    ? new BadInputError(`image: format ${format} is not accepted (JPEG, PNG or WebP)`, 'image', 'unsupported_image_format')
    : new BadInputError('image: not a decodable image (not JPEG, PNG or WebP data)', 'image', 'invalid_image');
}

/** The refusal of an image whose header declares more pixels than `limit`, or undefined if it does not. */
async function pixelLimitRefusal(image: Buffer, limit: number): Promise<BadInputError | undefined> {
  const metadata = await sharp(image, { limitInputPixels: false })
    .metadata()
    .catch(() => undefined);
  const pixels = (metadata?.width ?? 0) * (metadata?.height ?? 0);
  if (pixels <= limit) return undefined;
  return new BadInputError(`image: ${metadata?.width}×${metadata?.height} has ${pixels} pixels, over the limit of ${limit}`, 'image', 'image_too_large');
}

/**
 * For each channel, the model input value of every byte value 0..255: inversion, scaling and mean/std folded into
 * one table, so converting a pixel is a lookup rather than arithmetic per element.
 */
function channelLookupTables(pre: ImagePreprocessing): Float32Array[] {
  return Array.from({ length: pre.channels }, (_, c) => {
    const mean = pre.mean[c] ?? pre.mean[0];
    const std = pre.std[c] ?? pre.std[0];
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v += 1) table[v] = ((pre.invert ? 255 - v : v) / pre.scale - mean) / std;
    return table;
  });
}

/** RGB into three planes (NCHW) in one pass over the pixels: the common ImageNet case. */
function writeRgbPlanes(data: Buffer, stride: number, plane: number, tables: Float32Array[], out: Float32Array, offset: number): void {
  const [r, g, b] = tables;
  const g0 = offset + plane;
  const b0 = offset + 2 * plane;
  for (let p = 0, i = 0; p < plane; p += 1, i += stride) {
    out[offset + p] = r[data[i]];
    out[g0 + p] = g[data[i + 1]];
    out[b0 + p] = b[data[i + 2]];
  }
}

/** Interleaved bytes (`stride` bands per pixel) → one row in the model's layout, any channel count. */
function writeAnyLayout(data: Buffer, stride: number, pre: ImagePreprocessing, tables: Float32Array[], out: Float32Array, offset: number): void {
  const { channels } = pre;
  const plane = pre.height * pre.width;
  // libvips may keep extra bands (e.g. 3 identical ones after grayscale); only the first `channels` are read.
  for (let c = 0; c < channels; c += 1) {
    const table = tables[c];
    if (pre.layout === 'NCHW') {
      const base = offset + c * plane;
      for (let p = 0, i = c; p < plane; p += 1, i += stride) out[base + p] = table[data[i]];
    } else {
      for (let p = 0, i = c, o = offset + c; p < plane; p += 1, i += stride, o += channels) out[o] = table[data[i]];
    }
  }
}
