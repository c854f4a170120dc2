import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { DIGIT_PIXELS, DIGIT_SIZE, DigitSet } from '../data/mnist-digits';

export interface SampleImageOptions {
  /** How many digits to export (each in one size and format); default 40. */
  count?: number;
  /** Edge lengths cycled through; default 28, 56, 112, 224. */
  sizes?: readonly number[];
}

/**
 * Writes held-out digits as PNG and JPEG files named `digit-<label>-<index>-<size>px.<ext>`, so a test can
 * read the true label from the name. Digits are taken evenly across the held-out set (every class appears)
 * and upscaled with cubic interpolation, as a photographed or scanned digit would be. Earlier `digit-*`
 * files are removed first, so the folder always matches the current split.
 */
export async function writeSampleImages(heldOut: DigitSet, outDir: string, options: SampleImageOptions = {}): Promise<string[]> {
  const count = options.count ?? 40;
  const sizes = options.sizes ?? [28, 56, 112, 224];
  mkdirSync(outDir, { recursive: true });
  for (const old of readdirSync(outDir)) if (/^digit-.*\.(png|jpg)$/.test(old)) rmSync(join(outDir, old));
  const written: string[] = [];
  for (let k = 0; k < count; k++) {
    const index = Math.floor((k * heldOut.count) / count);
    const pixels = Buffer.alloc(DIGIT_PIXELS);
    for (let p = 0; p < DIGIT_PIXELS; p++) pixels[p] = Math.round(heldOut.images[index * DIGIT_PIXELS + p] * 255);
    const size = sizes[k % sizes.length];
    const jpeg = k % 2 === 1;
    const file = `digit-${heldOut.labels[index]}-${String(index).padStart(4, '0')}-${size}px.${jpeg ? 'jpg' : 'png'}`;
    let image = sharp(pixels, { raw: { width: DIGIT_SIZE, height: DIGIT_SIZE, channels: 1 } }).resize(size, size, { kernel: 'cubic' });
    image = jpeg ? image.jpeg({ quality: 92 }) : image.png();
    await image.toFile(join(outDir, file));
    written.push(file);
  }
  return written;
}
