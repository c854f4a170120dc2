import { inflateSync } from 'node:zlib';

/** What {@link readSimplePng} found: 8-bit samples, `channels` interleaved per pixel (1 gray, 3 RGB). */
export interface SimplePng {
  width: number;
  height: number;
  channels: 1 | 3;
  samples: Buffer;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Ancillary chunks that do not change a pixel of what libvips decodes: physical size, timestamps, the sRGB
 * rendering intent, and text (except ImageMagick's "Raw profile" text, which can carry EXIF or ICC data).
 * Anything else (gamma, chromaticities, ICC profiles, EXIF orientation, transparency, ...) is left to libvips.
 */
const HARMLESS = new Set(['pHYs', 'tIME', 'sRGB', 'tEXt', 'zTXt', 'iTXt']);

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

function crc32(bytes: Buffer, start: number, end: number): number {
  let c = -1;
  for (let i = start; i < end; i += 1) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/**
 * Decodes a PNG of the simplest kind without libvips: 8-bit gray, RGB or palette (no transparency), not
 * interlaced, every chunk intact (CRCs and the zlib stream checked) and none that could change what libvips
 * would make of it. Returns undefined for anything else, or when its width × height is over `maxPixels`, so that
 * the caller hands those to libvips, which decodes them or explains why not. The samples are the file's own, as
 * libvips reads them; palette images come back as RGB. With `size`, a PNG of any other size is given up on as
 * soon as its header is read.
 */
export function readSimplePng(image: Buffer, maxPixels: number, size?: { width: number; height: number }): SimplePng | undefined {
  if (image.length < 8 + 25 + 12 || !image.subarray(0, 8).equals(SIGNATURE)) return undefined;
  let width = 0;
  let height = 0;
  let colourType = -1;
  let palette: Buffer | undefined;
  const data: Buffer[] = [];
  let ended = false;
  for (let at = 8; at < image.length;) {
    if (ended || at + 12 > image.length) return undefined;
    const length = image.readUInt32BE(at);
    const type = image.toString('latin1', at + 4, at + 8);
    const end = at + 8 + length;
    if (end + 4 > image.length || crc32(image, at + 4, end) !== image.readUInt32BE(end)) return undefined;
    const body = image.subarray(at + 8, end);
    if (at === 8 && type !== 'IHDR') return undefined;
    if (type === 'IHDR') {
      if (at !== 8 || length !== 13) return undefined;
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, compression, filter, interlace] = body.subarray(8, 13);
      if (depth !== 8 || ![0, 2, 3].includes(colour) || compression !== 0 || filter !== 0 || interlace !== 0) return undefined;
      if (width === 0 || height === 0 || width * height > maxPixels) return undefined;
      if (size && (width !== size.width || height !== size.height)) return undefined;
      colourType = colour;
    } else if (type === 'PLTE') {
      if (palette || data.length > 0 || length % 3 !== 0 || length === 0) return undefined;
      palette = body;
    } else if (type === 'IDAT') {
      data.push(body);
    } else if (type === 'IEND') {
      ended = true;
    } else if (!HARMLESS.has(type) || (type !== 'pHYs' && type !== 'tIME' && type !== 'sRGB' && body.toString('latin1', 0, 12).startsWith('Raw profile'))) {
      return undefined;
    }
    at = end + 4;
  }
  if (!ended || data.length === 0 || (colourType === 3) !== (palette !== undefined)) return undefined;
  const bytesPerPixel = colourType === 2 ? 3 : 1;
  const stride = width * bytesPerPixel;
  const expected = height * (stride + 1);
  const stream = data.length === 1 ? data[0] : Buffer.concat(data);
  let filtered: Buffer;
  try {
    // With `info`, the engine tells how much of the stream it read: bytes after the zlib stream's end are refused.
    const { buffer, engine } = inflateSync(stream, { maxOutputLength: expected + 1, info: true }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    if (engine.bytesWritten !== stream.length) return undefined;
    filtered = buffer;
  } catch {
    return undefined;
  }
  if (filtered.length !== expected) return undefined;
  const raw = unfilter(filtered, height, stride, bytesPerPixel);
  if (!raw) return undefined;
  if (colourType !== 3) return { width, height, channels: colourType === 2 ? 3 : 1, samples: raw };
  const entries = (palette as Buffer).length / 3;
  const rgb = Buffer.allocUnsafe(width * height * 3);
  for (let p = 0, o = 0; p < raw.length; p += 1, o += 3) {
    const index = raw[p];
    if (index >= entries) return undefined;
    (palette as Buffer).copy(rgb, o, index * 3, index * 3 + 3);
  }
  return { width, height, channels: 3, samples: rgb };
}

/** Undoes PNG's per-row filters (none, sub, up, average, Paeth); undefined for an unknown filter type. */
function unfilter(filtered: Buffer, height: number, stride: number, bpp: number): Buffer | undefined {
  const out = Buffer.allocUnsafe(height * stride);
  for (let y = 0; y < height; y += 1) {
    const filter = filtered[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const up = row - stride;
    for (let x = 0; x < stride; x += 1) {
      const value = filtered[src + x];
      const a = x >= bpp ? out[row + x - bpp] : 0;
      const b = y > 0 ? out[up + x] : 0;
      switch (filter) {
        case 0:
          out[row + x] = value;
          break;
        case 1:
          out[row + x] = value + a;
          break;
        case 2:
          out[row + x] = value + b;
          break;
        case 3:
          out[row + x] = value + ((a + b) >> 1);
          break;
        case 4: {
          const c = x >= bpp && y > 0 ? out[up + x - bpp] : 0;
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          out[row + x] = value + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default:
          return undefined;
      }
    }
  }
  return out;
}
