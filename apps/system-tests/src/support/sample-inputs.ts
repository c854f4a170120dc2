import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { WORKSPACE_ROOT } from '@ai/local-stack';

export interface SampleImage {
  name: string;
  bytes: Buffer;
  contentType: 'image/png' | 'image/jpeg';
}

const IMAGE_DIR = join(WORKSPACE_ROOT, 'workloads', 'images');

/** A white digit-like stroke on black, 28×28: what the digits models take, when no sample files exist. */
async function synthesizedDigit(format: 'png' | 'jpeg'): Promise<Buffer> {
  const pixels = Buffer.alloc(28 * 28);
  for (let y = 6; y < 22; y += 1) pixels[y * 28 + 14] = 255;
  const image = sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } });
  return format === 'png' ? image.png().toBuffer() : image.jpeg().toBuffer();
}

/** The real sample images of workloads/images (PNG and JPEG), or two synthesized ones when it is empty. */
export async function sampleImages(limit = 8): Promise<SampleImage[]> {
  const files = existsSync(IMAGE_DIR)
    ? readdirSync(IMAGE_DIR)
        .filter((name) => /\.(png|jpe?g)$/i.test(name))
        .sort()
    : [];
  const images: SampleImage[] = files.slice(0, limit).map((name) => ({
    name,
    bytes: readFileSync(join(IMAGE_DIR, name)),
    contentType: /\.png$/i.test(name) ? 'image/png' : 'image/jpeg',
  }));
  if (!images.some((image) => image.contentType === 'image/png')) {
    images.push({ name: 'synthesized.png', bytes: await synthesizedDigit('png'), contentType: 'image/png' });
  }
  if (!images.some((image) => image.contentType === 'image/jpeg')) {
    images.push({ name: 'synthesized.jpg', bytes: await synthesizedDigit('jpeg'), contentType: 'image/jpeg' });
  }
  return images;
}

/**
 * A decompression bomb: a valid 1-bit greyscale PNG of `side`×`side` pixels, all black, written by hand so it
 * costs nothing to build. 20000² is 400 MP: ~50 KB on the wire, 400 MB once decoded to 8-bit greyscale.
 * A server that decodes before checking the dimensions runs out of memory.
 */
export function decompressionBomb(side = 20_000): Buffer {
  const rowBytes = 1 + Math.ceil(side / 8); // filter byte + packed pixels
  const scanlines = Buffer.alloc(rowBytes * side); // all zero: filter "none", black pixels
  return pngFile(side, side, 1, 0, deflateSync(scanlines, { level: 9 }));
}

/** Only the PNG header of a `side`×`side` image, no pixel data: a truncated bomb. */
export function bombHeaderOnly(side = 50_000): Buffer {
  return pngFile(side, side, 8, 2, Buffer.alloc(0)).subarray(0, 8 + 25);
}

function pngFile(width: number, height: number, bitDepth: number, colourType: number, idat: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(bitDepth, 8);
  header.writeUInt8(colourType, 9);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Length of a tabular model's feature vector, read from its config.json (64 if the model is missing). */
export function tabularFeatureLength(repository: string, model = 'digits-mlp'): number {
  const dir = join(repository, model);
  if (!existsSync(dir)) return 64;
  const versions = readdirSync(dir)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const file = join(dir, version, 'config.json');
    if (!existsSync(file)) continue;
    const config = JSON.parse(readFileSync(file, 'utf8')) as { inputs?: { shape?: number[] }[] };
    const shape = config.inputs?.[0]?.shape ?? [];
    const length = shape.slice(1).reduce((a, b) => a * Math.max(1, b), 1);
    if (length > 0) return length;
  }
  return 64;
}
