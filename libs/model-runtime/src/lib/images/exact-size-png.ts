import sharp from 'sharp';
import type { ImagePreprocessing } from '@ai/contracts';
import type { DecodedImage } from './image-preprocessor';
import { readSimplePng, type SimplePng } from './simple-png';

/** How the libvips pipeline maps one kind of source pixel, learnt from the pipeline itself. */
type Mapping = { kind: 'lookup'; table: Uint8Array; stride: number } | { kind: 'identity'; stride: number } | { kind: 'none' };

/**
 * Decodes PNGs that already have the model's width and height, in the simplest PNG forms (see
 * {@link readSimplePng}), without a trip through libvips: for such an image the libvips pipeline (orient, flatten,
 * resize, colour conversion) changes each pixel on its own, by its value alone, so its effect can be learnt once,
 * from the pipeline itself, and applied as a table. It is learnt on first use from images of the model's size that
 * hold every byte value, run through `libvips` (the decoder this one stands in for); a pixel the pipeline did not
 * map the same way everywhere, or a pipeline that changes RGB images, turns this path off for that kind of source.
 * Returns undefined for every image it does not decode, to go to libvips.
 *
 * The same bytes come out as libvips gives them, so the model sees the same values: a 28×28 digit PNG costs tens
 * of microseconds here, against the fixed cost of a libvips pipeline (libuv's thread pool and libvips' own threads,
 * a few hand-overs each way), which dominates small images.
 */
export function createExactSizePngDecoder(
  pre: ImagePreprocessing,
  maxPixels: number,
  libvips: (image: Buffer) => Promise<DecodedImage>,
): (image: Buffer) => Promise<DecodedImage | undefined> {
  const { width, height } = pre;
  const mappings = new Map<string, Promise<Mapping>>();
  const mapping = (kind: 'gray' | 'rgb-gray' | 'rgb') => {
    let learnt = mappings.get(kind);
    if (!learnt) mappings.set(kind, (learnt = learn(kind, width, height, libvips).catch((): Mapping => ({ kind: 'none' }))));
    return learnt;
  };
  return async (image) => {
    if (width * height > maxPixels || image[0] !== 0x89 || image[1] !== 0x50) return undefined;
    const png = readSimplePng(image, maxPixels, pre);
    if (!png || png.width !== width || png.height !== height) return undefined;
    if (png.channels === 1) return apply(png, await mapping('gray'));
    // An RGB image is as good as gray for a one-channel model when every pixel is gray (digits often come so).
    if (pre.channels === 1) return isGray(png.samples) ? apply(toGray(png), await mapping('rgb-gray')) : undefined;
    return apply(png, await mapping('rgb'));
  };
}

function apply(png: SimplePng, mapping: Mapping): DecodedImage | undefined {
  if (mapping.kind === 'none') return undefined;
  if (mapping.kind === 'identity') return png.channels === mapping.stride ? { pixels: png.samples, stride: mapping.stride } : undefined;
  const { table, stride } = mapping;
  const out = Buffer.allocUnsafe(png.samples.length * stride);
  for (let p = 0, o = 0; p < png.samples.length; p += 1, o += stride) {
    const from = png.samples[p] * stride;
    for (let c = 0; c < stride; c += 1) out[o + c] = table[from + c];
  }
  return { pixels: out, stride };
}

function isGray(rgb: Buffer): boolean {
  for (let i = 0; i < rgb.length; i += 3) if (rgb[i] !== rgb[i + 1] || rgb[i] !== rgb[i + 2]) return false;
  return true;
}

function toGray(png: SimplePng): SimplePng {
  const gray = Buffer.allocUnsafe(png.width * png.height);
  for (let p = 0; p < gray.length; p += 1) gray[p] = png.samples[p * 3];
  return { ...png, channels: 1, samples: gray };
}

/** A seeded generator of bytes (an LCG's top bits). */
function seededBytes(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 24;
  };
}

/** Every byte value once, in a seeded random order: neighbours differ from one copy to the next. */
function shuffledBytes(next: () => number): Uint8Array {
  const values = Uint8Array.from({ length: 256 }, (_, i) => i);
  for (let i = 255; i > 0; i -= 1) {
    const j = (next() * 256 + next()) % (i + 1);
    [values[i], values[j]] = [values[j], values[i]];
  }
  return values;
}

/**
 * Learns what the pipeline does to one kind of pixel: `gray` (a gray PNG), `rgb-gray` (an RGB PNG whose pixels
 * are all gray), from images of the model's size holding every byte value in shuffled orders, so that a pixel
 * the pipeline did not map by its value alone (a filter over its neighbours) maps differently from one copy to
 * the next and turns the path off; `rgb` (any RGB PNG), which must come out unchanged, from an image of seeded
 * random colours.
 */
async function learn(kind: 'gray' | 'rgb-gray' | 'rgb', width: number, height: number, libvips: (image: Buffer) => Promise<DecodedImage>): Promise<Mapping> {
  const pixels = width * height;
  const channels = kind === 'gray' ? 1 : 3;
  const next = seededBytes(12345);
  if (kind === 'rgb') {
    const samples = Buffer.alloc(pixels * 3);
    for (let i = 0; i < samples.length; i += 1) samples[i] = next();
    const decoded = await libvips(
      await sharp(samples, { raw: { width, height, channels: 3 } })
        .png()
        .toBuffer(),
    );
    return decoded.stride === 3 && decoded.pixels.subarray(0, samples.length).equals(samples) ? { kind: 'identity', stride: 3 } : { kind: 'none' };
  }
  let table: Uint8Array | undefined;
  let stride = 0;
  const seen = new Uint8Array(256);
  // Every value at least twice, each time among other neighbours, over as many images as that takes.
  const order: number[] = [];
  while (order.length < Math.max(pixels, 512)) order.push(...shuffledBytes(next));
  for (let first = 0; first < order.length; first += pixels) {
    const value = (p: number) => order[(first + p) % order.length];
    const values = Buffer.alloc(pixels * channels);
    for (let p = 0; p < pixels; p += 1) values.fill(value(p), p * channels, (p + 1) * channels);
    const decoded = await libvips(await sharp(values, { raw: { width, height, channels } }).png().toBuffer());
    stride = decoded.stride;
    table ??= new Uint8Array(256 * stride);
    for (let p = 0; p < pixels; p += 1) {
      const v = value(p);
      const out = decoded.pixels.subarray(p * stride, (p + 1) * stride);
      if (seen[v] && !out.equals(Buffer.from(table.subarray(v * stride, (v + 1) * stride)))) return { kind: 'none' };
      table.set(out, v * stride);
      seen[v] = 1;
    }
  }
  return table && seen.every((s) => s === 1) ? { kind: 'lookup', table, stride } : { kind: 'none' };
}
