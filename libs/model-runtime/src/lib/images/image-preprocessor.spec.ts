import sharp from 'sharp';
import { ImagePreprocessing } from '@ai/contracts';
import { BadInputError } from '../errors';
import { createImagePreprocessor, createPixelWriter } from './image-preprocessor';

/** A 2×2 RGB image: red, green / blue, white. */
async function quadrants(format: 'png' | 'jpeg' | 'webp' = 'png'): Promise<Buffer> {
  const raw = Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
  const img = sharp(raw, { raw: { width: 2, height: 2, channels: 3 } });
  return format === 'png' ? img.png().toBuffer() : format === 'webp' ? img.webp({ lossless: true }).toBuffer() : img.jpeg({ quality: 100 }).toBuffer();
}

const rgb = (extra: Partial<ImagePreprocessing> = {}) => ImagePreprocessing.parse({ width: 2, height: 2, channels: 3, ...extra });

describe('image preprocessor', () => {
  it('lays RGB pixels out as NCHW planes scaled to [0, 1]', async () => {
    const out = await createImagePreprocessor(rgb(), { maxInputPixels: 100 })(await quadrants());
    expect(Array.from(out)).toEqual([1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1]);
  });

  it('lays RGB pixels out as NHWC when asked', async () => {
    const out = await createImagePreprocessor(rgb({ layout: 'NHWC' }), { maxInputPixels: 100 })(await quadrants());
    expect(Array.from(out)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('applies per-channel mean and std after scaling', async () => {
    const pre = rgb({ mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2] });
    const out = await createImagePreprocessor(pre, { maxInputPixels: 100 })(await quadrants('webp'));
    // red plane: (x - 0.5) / 0.5; green: (x - 0.25) / 0.25; blue: x / 2
    expect(Array.from(out)).toEqual([1, -1, -1, 1, -1, 3, -1, 3, 0, 0, 0.5, 0.5]);
  });

  it('converts to one inverted grayscale channel and resizes to the model size', async () => {
    const white = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#ffffff' } })
      .jpeg()
      .toBuffer();
    const out = await createImagePreprocessor(ImagePreprocessing.parse({ width: 28, height: 28, channels: 1, invert: true }), { maxInputPixels: 10_000 })(
      white,
    );
    expect(out.length).toBe(28 * 28);
    expect(Math.max(...out)).toBeCloseTo(0, 2);
  });

  it('turns an image as its EXIF orientation says before resizing it', async () => {
    // 16×8 stored, left half red and right half green; orientation 6 means "rotate 90° clockwise to display", so
    // the displayed image is 8×16 with red on top.
    const stored = Buffer.alloc(16 * 8 * 3);
    for (let p = 0; p < 16 * 8; p += 1) stored[p * 3 + (p % 16 < 8 ? 0 : 1)] = 255;
    const jpeg = await sharp(stored, { raw: { width: 16, height: 8, channels: 3 } })
      .jpeg({ quality: 100 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const out = await createImagePreprocessor(ImagePreprocessing.parse({ width: 8, height: 16, channels: 3 }), { maxInputPixels: 1000 })(jpeg);
    const red = out.subarray(0, 8 * 16);
    expect(red[8 * 2 + 4]).toBeGreaterThan(0.9); // row 2: top half
    expect(red[8 * 13 + 4]).toBeLessThan(0.1); // row 13: bottom half
  });

  it('flattens transparency onto black', async () => {
    // A white pixel that is fully transparent, next to an opaque white one.
    const rgba = Buffer.from([255, 255, 255, 0, 255, 255, 255, 255]);
    const png = await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } })
      .png()
      .toBuffer();
    const out = await createImagePreprocessor(ImagePreprocessing.parse({ width: 2, height: 1, channels: 3 }), { maxInputPixels: 100 })(png);
    expect(Array.from(out)).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it('classifies corrupt bytes, truncated images and other formats as bad input', async () => {
    const preprocess = createImagePreprocessor(rgb(), { maxInputPixels: 100 });
    const png = await quadrants();
    await expect(preprocess(Buffer.from('definitely not an image'))).rejects.toMatchObject({ name: 'BadInputError', code: 'invalid_image', field: 'image' });
    await expect(preprocess(png.subarray(0, png.length - 20))).rejects.toBeInstanceOf(BadInputError);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"><rect width="2" height="2"/></svg>');
    await expect(preprocess(svg)).rejects.toMatchObject({ code: 'unsupported_image_format' });
  });

  it('refuses images over the pixel limit before decoding them', async () => {
    const bomb = await sharp({ create: { width: 3000, height: 3000, channels: 3, background: '#000' } })
      .png({ palette: true })
      .toBuffer();
    expect(bomb.length).toBeLessThan(100_000);
    await expect(createImagePreprocessor(rgb(), { maxInputPixels: 1_000_000 })(bomb)).rejects.toMatchObject({
      code: 'image_too_large',
      message: expect.stringContaining('9000000 pixels, over the limit of 1000000'),
    });
  });

  it('writes decoded pixels in place, at an offset, exactly as per-channel arithmetic gives them, for every layout and band count', () => {
    const width = 5;
    const height = 3;
    for (const [channels, layout, stride] of [
      [3, 'NCHW', 3],
      [3, 'NCHW', 4],
      [3, 'NHWC', 3],
      [1, 'NCHW', 1],
      [1, 'NCHW', 3],
      [1, 'NHWC', 2],
    ] as const) {
      const pre = ImagePreprocessing.parse({
        width,
        height,
        channels,
        layout,
        mean: [0.4, 0.5, 0.6].slice(0, channels),
        std: [0.2, 0.3, 0.4].slice(0, channels),
        invert: channels === 1,
      });
      const pixels = Buffer.from(Array.from({ length: width * height * stride }, (_, i) => (i * 37 + 11) % 256));
      const size = channels * width * height;
      const target = new Float32Array(size + 7).fill(-99);
      createPixelWriter(pre)({ pixels, stride }, target, 7);
      const expected = new Float32Array(size);
      for (let p = 0; p < width * height; p += 1) {
        for (let c = 0; c < channels; c += 1) {
          const byte = pixels[p * stride + c];
          const value = ((pre.invert ? 255 - byte : byte) / pre.scale - pre.mean[c]) / pre.std[c];
          expected[layout === 'NCHW' ? c * width * height + p : p * channels + c] = value;
        }
      }
      expect(Array.from(target.subarray(0, 7))).toEqual(new Array(7).fill(-99));
      target.subarray(7).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    }
  });
});
