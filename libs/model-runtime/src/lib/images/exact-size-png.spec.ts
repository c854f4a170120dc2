import sharp, { type PngOptions } from 'sharp';
import { ImagePreprocessing } from '@ai/contracts';
import { createExactSizePngDecoder } from './exact-size-png';
import { createImageDecoder, createLibvipsImageDecoder } from './image-preprocessor';
import { readSimplePng } from './simple-png';

/** CRC-32 as PNG computes it. */
function zlibCrc(bytes: Buffer): number {
  let c = -1;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ -1) >>> 0;
}

/** Seeded pseudo-random bytes. */
function bytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

/** A photo-like image: smooth gradients plus noise, so every PNG filter type gets used. */
function photo(width: number, height: number, channels: number, seed: number): Buffer {
  const noise = bytes(width * height * channels, seed);
  const out = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      for (let c = 0; c < channels; c += 1) {
        const i = (y * width + x) * channels + c;
        out[i] = ((x * 7 + y * 3 + c * 50) % 256) ^ (noise[i] & 0x0f);
      }
    }
  }
  return out;
}

const png = (raw: Buffer, width: number, height: number, channels: 1 | 3 | 4, options: PngOptions = {}) =>
  sharp(raw, { raw: { width, height, channels } }).png(options).toBuffer();

describe('PNG decoding without libvips', () => {
  it('reads gray, RGB and palette PNGs with every filter type exactly as libvips does', async () => {
    for (const [channels, options] of [
      [1, {}],
      [3, {}],
      [3, { palette: true, colours: 64, dither: 0 }],
      [1, { compressionLevel: 0 }],
      [3, { adaptiveFiltering: true }],
    ] as const) {
      const raw = photo(37, 23, channels, channels * 7);
      const file = await png(raw, 37, 23, channels, options);
      const ours = readSimplePng(file, 1e6);
      expect(ours).toBeDefined();
      const theirs = await sharp(file).raw().toBuffer({ resolveWithObject: true });
      expect(ours?.channels).toBe(theirs.info.channels);
      expect(ours?.samples.equals(theirs.data)).toBe(true);
    }
  });

  it('leaves to libvips what it does not read: alpha, 16 bits, interlacing, a bad CRC, a truncated file, too many pixels', async () => {
    const rgb = photo(8, 8, 3, 1);
    expect(readSimplePng(await png(photo(8, 8, 4, 2), 8, 8, 4), 1e6)).toBeUndefined();
    expect(
      readSimplePng(
        await sharp(rgb, { raw: { width: 8, height: 8, channels: 3 } })
          .png({ progressive: true })
          .toBuffer(),
        1e6,
      ),
    ).toBeUndefined();
    expect(
      readSimplePng(
        await sharp(rgb, { raw: { width: 8, height: 8, channels: 3 } })
          .toColourspace('rgb16')
          .png()
          .toBuffer(),
        1e6,
      ),
    ).toBeUndefined();
    const good = await png(rgb, 8, 8, 3);
    expect(readSimplePng(good, 1e6)).toBeDefined();
    const corrupt = Buffer.from(good);
    corrupt[40] ^= 0xff;
    expect(readSimplePng(corrupt, 1e6)).toBeUndefined();
    expect(readSimplePng(good.subarray(0, good.length - 5), 1e6)).toBeUndefined();
    expect(readSimplePng(good, 63)).toBeUndefined();
    expect(readSimplePng(Buffer.from('not a png at all, not even close'), 1e6)).toBeUndefined();
    // A zlib stream with bytes after its end (CRC recomputed, so only the stream is wrong).
    const idat = good.indexOf('IDAT') - 4;
    const length = good.readUInt32BE(idat);
    const padded = Buffer.concat([good.subarray(idat + 8, idat + 8 + length), Buffer.from([1, 2, 3])]);
    const chunk = Buffer.alloc(12 + padded.length);
    chunk.writeUInt32BE(padded.length, 0);
    chunk.write('IDAT', 4, 'latin1');
    padded.copy(chunk, 8);
    chunk.writeUInt32BE(zlibCrc(chunk.subarray(4, 8 + padded.length)), 8 + padded.length);
    const trailing = Buffer.concat([good.subarray(0, idat), chunk, good.subarray(idat + 12 + length)]);
    expect(readSimplePng(trailing, 1e6)).toBeUndefined();
  });

  it.each([
    ['a gray PNG for a one-channel model', { channels: 1 }, 1, false],
    ['an RGB PNG of gray pixels for a one-channel model', { channels: 1 }, 3, true],
    ['an RGB PNG for an RGB model', { channels: 3 }, 3, false],
    ['a gray PNG for an RGB model', { channels: 3 }, 1, false],
    ['a palette PNG for an RGB model', { channels: 3, palette: true }, 3, false],
  ] as const)('decodes %s to the very bytes the libvips pipeline gives', async (_what, model, sourceChannels, grayContent) => {
    const pre = ImagePreprocessing.parse({ width: 28, height: 20, channels: model.channels });
    const libvips = createLibvipsImageDecoder(pre, { maxInputPixels: 1e6 });
    const fast = createExactSizePngDecoder(pre, 1e6, libvips);
    const decode = createImageDecoder(pre, { maxInputPixels: 1e6 });
    for (let seed = 1; seed <= 3; seed += 1) {
      let raw = photo(28, 20, sourceChannels, seed);
      if (grayContent) raw = Buffer.from(Array.from(raw, (_, i) => raw[i - (i % 3)]));
      const file = await png(raw, 28, 20, sourceChannels, 'palette' in model ? { palette: true, colours: 32, dither: 0 } : {});
      const viaFast = await fast(file);
      expect(viaFast).toBeDefined();
      const viaLibvips = await libvips(file);
      expect(viaFast?.stride).toBe(viaLibvips.stride);
      expect(viaFast?.pixels.equals(viaLibvips.pixels)).toBe(true);
      expect((await decode(file)).pixels.equals(viaLibvips.pixels)).toBe(true);
    }
  });

  it('leaves to libvips PNGs of another size and RGB PNGs in colour for a one-channel model', async () => {
    const pre = ImagePreprocessing.parse({ width: 28, height: 28, channels: 1 });
    const fast = createExactSizePngDecoder(pre, 1e6, createLibvipsImageDecoder(pre, { maxInputPixels: 1e6 }));
    expect(await fast(await png(photo(56, 56, 1, 1), 56, 56, 1))).toBeUndefined();
    expect(await fast(await png(photo(28, 28, 3, 1), 28, 28, 3))).toBeUndefined();
    expect(
      await fast(
        await sharp(photo(28, 28, 3, 1), { raw: { width: 28, height: 28, channels: 3 } })
          .jpeg()
          .toBuffer(),
      ),
    ).toBeUndefined();
  });

  it('turns itself off for a kind of pixel the pipeline does not map pixel by pixel', async () => {
    // A stand-in pipeline that blurs: each output pixel depends on its neighbours.
    const blurring = async (image: Buffer) => {
      const { data } = await sharp(image).grayscale().blur(1).raw().toBuffer({ resolveWithObject: true });
      return { pixels: data, stride: 1 };
    };
    for (const size of [16, 28, 64]) {
      const fast = createExactSizePngDecoder(ImagePreprocessing.parse({ width: size, height: size, channels: 1 }), 1e6, blurring);
      expect(await fast(await png(photo(size, size, 1, 3), size, size, 1))).toBeUndefined();
    }
  });
});
