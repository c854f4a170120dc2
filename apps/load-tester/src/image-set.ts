import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);

/**
 * The images requests carry, base64-encoded once up front (never per request), and pre-built as the JSON
 * prefix of an /enqueue body so a request only appends its own small tail.
 */
export class ImageSet {
  private constructor(
    readonly names: string[],
    readonly base64: string[],
  ) {}

  /** Reads at most `max` images from `dir`, sorted by name; throws when there is none. */
  static load(dir: string, max = Number.POSITIVE_INFINITY): ImageSet {
    let files: string[];
    try {
      files = readdirSync(dir)
        .filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))
        .sort();
    } catch (error) {
      throw new Error(`cannot read images from ${dir}: ${(error as Error).message}`);
    }
    if (files.length === 0) throw new Error(`no .png, .jpg or .webp images in ${dir}`);
    const chosen = files.slice(0, max);
    return new ImageSet(
      chosen,
      chosen.map((f) => readFileSync(join(dir, f)).toString('base64')),
    );
  }

  /** A set from in-memory images (tests, benchmarks). */
  static of(images: Buffer[]): ImageSet {
    return new ImageSet(
      images.map((_, i) => `image-${i}`),
      images.map((b) => b.toString('base64')),
    );
  }

  get size(): number {
    return this.base64.length;
  }

  /**
   * The fixed head of each image's JSON body, `{"model":..., "image":"...", [callbackUrl,] "clientRef":"`,
   * to be followed by the request's reference and `"}`.
   */
  bodyPrefixes(model: string, callbackUrl?: string): Buffer[] {
    return this.base64.map((image) => {
      const head = JSON.stringify({ model, image, ...(callbackUrl && { callbackUrl }) });
      return Buffer.from(`${head.slice(0, -1)},"clientRef":"`);
    });
  }
}
