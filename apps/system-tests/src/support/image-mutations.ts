import { flipBytes, randomString } from './fuzz-cases';
import { bombHeaderOnly, decompressionBomb, type SampleImage } from './sample-inputs';
import type { SeededRandom } from '@ai/seeded-random';

export interface ImageMutation {
  mutation: string;
  bytes: Buffer;
}

/** Built once per process: the bomb costs ~0.5 s to deflate. */
let bomb: Buffer | undefined;

/**
 * Image bytes an attacker or a broken client could send: the real sample, truncated, with flipped bytes
 * (header or body), a decompression bomb, a header claiming 50000² pixels, random bytes, nothing.
 */
export function mutateImage(rng: SeededRandom, images: SampleImage[]): ImageMutation {
  const image = rng.pick(images);
  switch (rng.between(0, 8)) {
    case 0:
      return { mutation: `valid ${image.name}`, bytes: image.bytes };
    case 1:
      return { mutation: `truncated ${image.name}`, bytes: image.bytes.subarray(0, rng.between(1, Math.max(1, image.bytes.length - 1))) };
    case 2:
      return { mutation: `flipped body bytes ${image.name}`, bytes: flipBytes(rng, image.bytes, rng.between(1, 16), 16) };
    case 3: {
      const bytes = Buffer.from(image.bytes);
      for (let i = 0; i < 2; i += 1) bytes[rng.between(0, Math.min(31, bytes.length - 1))] ^= rng.between(1, 255);
      return { mutation: `flipped header bytes ${image.name}`, bytes };
    }
    case 4:
      bomb ??= decompressionBomb();
      return { mutation: 'decompression bomb 20000x20000 PNG', bytes: bomb };
    case 5:
      return { mutation: 'PNG header claiming 50000x50000, no data', bytes: bombHeaderOnly() };
    case 6:
      return { mutation: 'random bytes', bytes: Buffer.from(Array.from({ length: rng.between(1, 2048) }, () => rng.between(0, 255))) };
    case 7:
      return { mutation: 'text posing as an image', bytes: Buffer.from(randomString(rng, rng.between(1, 100))) };
    default:
      return { mutation: `valid ${image.name} with trailing garbage`, bytes: Buffer.concat([image.bytes, Buffer.from(randomString(rng, 50))]) };
  }
}

/** Base64 strings that are wrong in their own ways (bad alphabet, padding, data: prefixes). */
export function brokenBase64(rng: SeededRandom, images: SampleImage[]): { mutation: string; value: string } {
  const valid = rng.pick(images).bytes.toString('base64');
  return rng.pick([
    () => ({ mutation: 'base64 with invalid characters', value: valid.slice(0, 20) + '!@#$%^&*' + valid.slice(20) }),
    () => ({ mutation: 'base64 with bad padding', value: valid + '===' }),
    () => ({ mutation: 'base64url alphabet', value: valid.replace(/\+/g, '-').replace(/\//g, '_') }),
    () => ({ mutation: 'data: URL with a non-image type', value: `data:text/html;base64,${valid}` }),
    () => ({ mutation: 'data: URL with nothing after it', value: 'data:image/png;base64,' }),
    () => ({ mutation: 'base64 of one byte', value: 'AA==' }),
    () => ({ mutation: 'unicode instead of base64', value: randomString(rng, 30) }),
  ])();
}
