import { SeededRandom } from '@ai/seeded-random';

// Read once, not per character: under jest's vm context every global lookup (`String`) goes through an interceptor.
const { fromCodePoint } = String;

/** One HTTP request of a fuzz run. */
export interface FuzzCase {
  /** Which endpoint family it exercises (for per-endpoint counts). */
  endpoint: string;
  /** How it was made (for replaying and for reading a failure). */
  mutation: string;
  method: 'GET' | 'POST';
  path: string;
  contentType?: string;
  body?: Buffer;
}

/** An endpoint to fuzz: a valid request to start from, and how to build its request from a body. */
export interface FuzzTarget {
  endpoint: string;
  /** A valid body (mutated field by field); undefined for GET endpoints. */
  valid?: (rng: SeededRandom) => Record<string, unknown>;
  /** Endpoint-specific malformed cases (images, tensors, query strings), used for part of the cases. */
  special?: (rng: SeededRandom) => Omit<FuzzCase, 'endpoint'>;
  method: 'GET' | 'POST';
  path: (rng: SeededRandom) => string;
}

export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uFFFF',
  '\uD800',
  '\uDFFF\uD800',
  '👍🏽🔥🧠',
  '𝕳𝖊𝖑𝖑𝖔',
  'ﷺ',
  '\u202Eevil',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '0x10',
  '1e309',
  '{"a":1}',
  '[1,2]',
  '<script>alert(1)</script>',
  "'; DROP TABLE jobs;--",
  '../../../../etc/passwd',
  '%00',
  '%',
  '\\',
  '"',
  '\r\n\r\nHTTP/1.1 200 OK',
  '__proto__',
  'constructor',
  'prototype',
  'http://169.254.169.254/latest/meta-data/',
  'file:///etc/passwd',
  'ftp://x',
  'data:image/png;base64,',
  'data:image/png;base64,####',
];

export const HUGE_NUMBERS = [1e308, -1e308, 2 ** 53 + 1, -(2 ** 53) - 1, 2 ** 31, 2 ** 32, -1, 0, -0, 0.5, 1e-320, 4096.5, 1e21, 123456789012];

/** A random JSON value of bounded size: the raw material for wrong types. */
export function randomJson(rng: SeededRandom, depth = 0): unknown {
  switch (rng.between(0, depth > 3 ? 4 : 6)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.chance(0.5) ? rng.pick(HUGE_NUMBERS) : rng.between(-1000, 1000);
    case 3:
      return rng.pick(NASTY_STRINGS);
    case 4:
      return randomString(rng, rng.between(0, 40));
    case 5:
      return Array.from({ length: rng.between(0, 5) }, () => randomJson(rng, depth + 1));
    default: {
      const value: Record<string, unknown> = {};
      for (let i = rng.between(0, 4); i > 0; i -= 1)
        value[rng.pick(['a', 'image', 'model', 'features', 'prompt', '__proto__', randomString(rng, 5)])] = randomJson(rng, depth + 1);
      return value;
    }
  }
}

/** Random code points across planes, including control characters, NUL and lone surrogates. */
export function randomString(rng: SeededRandom, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) {
    const plane = rng.between(0, 4);
    const code =
      plane === 0
        ? rng.between(0, 0x7f)
        : plane === 1
          ? rng.between(0x80, 0x7ff)
          : plane === 2
            ? rng.between(0xd800, 0xdfff)
            : plane === 3
              ? rng.between(0x800, 0xffff)
              : rng.between(0x1f300, 0x1faff);
    out += fromCodePoint(code);
  }
  return out;
}

/** `[[[[...]]]]` or `{"a":{"a":...}}` nested `depth` levels: parsers that recurse blow their stack. */
export function deepNesting(rng: SeededRandom, depth: number): string {
  return rng.chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** Flips `count` random bytes (never the first `keep`) of a copy of `bytes`. */
export function flipBytes(rng: SeededRandom, bytes: Buffer, count: number, keep = 0): Buffer {
  const copy = Buffer.from(bytes);
  for (let i = 0; i < count; i += 1) copy[rng.between(Math.min(keep, copy.length - 1), copy.length - 1)] ^= rng.between(1, 255);
  return copy;
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value) ?? 'null');
}

/** A copy of `valid` with one field replaced, removed, or one unknown field added. */
function mutateField(rng: SeededRandom, valid: Record<string, unknown>): { body: Record<string, unknown>; mutation: string } {
  const body = { ...valid };
  const keys = Object.keys(body);
  const key = keys.length > 0 ? rng.pick(keys) : 'x';
  const how = rng.between(0, 4);
  if (how === 0) {
    delete body[key];
    return { body, mutation: `drop ${key}` };
  }
  if (how === 1) {
    body[rng.pick(['extra', '__proto__', 'constructor', randomString(rng, 3)])] = randomJson(rng);
    return { body, mutation: 'unknown field' };
  }
  if (how === 2) {
    body[key] = rng.pick(HUGE_NUMBERS);
    return { body, mutation: `${key}=huge number` };
  }
  if (how === 3) {
    body[key] = rng.pick(NASTY_STRINGS) + randomString(rng, rng.between(0, 20));
    return { body, mutation: `${key}=nasty string` };
  }
  body[key] = randomJson(rng);
  return { body, mutation: `${key}=wrong type` };
}

/**
 * The seeded case generator: for each case picks a target and one way to break its request. Most cases are
 * cheap (wrong types, bad JSON); a few are expensive (oversized bodies), so a run of 10,000 stays short.
 */
export function* fuzzCases(targets: FuzzTarget[], count: number, seed: number, oversizeBytes: number): Generator<FuzzCase> {
  const rng = new SeededRandom(seed);
  for (let i = 0; i < count; i += 1) {
    const target = targets[i % targets.length];
    const base = { endpoint: target.endpoint, method: target.method, path: target.path(rng) };
    const roll = rng.next();
    if (target.method === 'GET' || !target.valid) {
      yield { ...base, mutation: 'path or query', ...(target.special?.(rng) ?? {}) };
    } else if (target.special && roll < 0.3) {
      yield { ...base, ...target.special(rng) };
    } else if (roll < 0.55) {
      const { body, mutation } = mutateField(rng, target.valid(rng));
      yield { ...base, mutation, contentType: 'application/json', body: json(body) };
    } else if (roll < 0.65) {
      yield { ...base, mutation: 'valid', contentType: 'application/json', body: json(target.valid(rng)) };
    } else if (roll < 0.75) {
      yield { ...base, mutation: 'random JSON', contentType: 'application/json', body: json(randomJson(rng)) };
    } else if (roll < 0.85) {
      const text = JSON.stringify(target.valid(rng));
      const broken = rng.pick([
        () => text.slice(0, rng.between(0, Math.max(0, text.length - 1))),
        () => text + rng.pick(['}', ',', ' garbage', '\u0000']),
        () => '\uFEFF' + text,
        () => text.replace(/"/g, "'"),
        () => randomString(rng, rng.between(1, 200)),
      ])();
      yield { ...base, mutation: 'malformed JSON', contentType: 'application/json', body: Buffer.from(broken) };
    } else if (roll < 0.88) {
      yield {
        ...base,
        mutation: 'invalid UTF-8',
        contentType: 'application/json',
        body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
      };
    } else if (roll < 0.92) {
      yield { ...base, mutation: 'deep nesting', contentType: 'application/json', body: Buffer.from(deepNesting(rng, rng.pick([100, 5_000, 50_000]))) };
    } else if (roll < 0.96) {
      const contentType = rng.pick([
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/octet-stream',
        'application/json; charset=latin1',
        'multipart/form-data; boundary=x',
        '',
      ]);
      yield { ...base, mutation: `content-type ${contentType || 'none'}`, contentType: contentType || undefined, body: json(target.valid(rng)) };
    } else if (roll < 0.995) {
      yield { ...base, mutation: 'empty body', contentType: 'application/json', body: Buffer.alloc(0) };
    } else {
      const filler = Buffer.alloc(oversizeBytes + rng.between(1, 64 * 1024), 0x41);
      yield {
        ...base,
        mutation: 'oversized body',
        contentType: 'application/json',
        body: Buffer.concat([Buffer.from('{"prompt":"'), filler, Buffer.from('"}')]),
      };
    }
  }
}

/** Percent-encodes every UTF-8 byte of `text` (lone surrogates become U+FFFD): any string as a path segment. */
export function pathSegment(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => '%' + byte.toString(16).padStart(2, '0').toUpperCase()).join('');
}
