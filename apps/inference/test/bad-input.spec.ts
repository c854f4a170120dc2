import sharp from 'sharp';
import type { RunningInference } from '../src/server';
import { postJson, readJson, sampleImages, startInference } from './inference-test-kit';

describe('bad input to /infer', () => {
  let service: RunningInference;
  let bomb: Buffer;
  beforeAll(async () => {
    service = await startInference({ MODEL_NAME: 'digits-cnn', MAX_IMAGE_PIXELS: '1000000', BODY_LIMIT_BYTES: '300000' });
    // 2000×2000 = 4 M pixels, a few kilobytes compressed.
    bomb = await sharp({ create: { width: 2000, height: 2000, channels: 3, background: '#000' } })
      .png({ palette: true })
      .toBuffer();
  });
  afterAll(() => service.stop());

  const raw = (body: Buffer, contentType = 'image/png') => fetch(`${service.url}/infer`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it.each([
    ['invalid base64', { image: 'not base64 at all!' }, 'image'],
    ['a missing image', { topK: 3 }, 'image'],
    ['an unknown field', { image: 'AAAA', extra: 1 }, 'body'],
    ['a topK out of range', { image: 'AAAA', topK: 0 }, 'topK'],
  ])('answers 400 naming the field for %s', async (_what, body, field) => {
    const res = await postJson(`${service.url}/infer`, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request', field });
    expect(res.body.error.message).toContain(field);
  });

  it('answers 400 invalid_image for base64 of bytes that are not an image', async () => {
    const res = await postJson(`${service.url}/infer`, { image: Buffer.from('hello, not an image').toString('base64') });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_image', field: 'image' } } });
  });

  it('answers 400 for raw bytes that are not an image, and for a truncated image', async () => {
    const png = sampleImages().find((i) => i.contentType === 'image/png')!.bytes;
    for (const body of [Buffer.from('GIF89a garbage'), png.subarray(0, Math.floor(png.length / 2))]) {
      const res = await raw(body);
      expect(res.status).toBe(400);
      expect((await readJson(res)).error.message).toMatch(/^image: /);
    }
  });

  it('answers 400 image_too_large for a decompression bomb', async () => {
    const res = await raw(bomb);
    const body = await readJson(res);
    expect(res.status).toBe(400);
    expect(body.error).toMatchObject({ code: 'image_too_large', field: 'image' });
    expect(body.error.message).toContain('over the limit of 1000000');
  });

  it('answers 413 for bodies over BODY_LIMIT_BYTES, JSON or raw', async () => {
    const big = Buffer.alloc(400_000, 1);
    const json = await postJson(`${service.url}/infer`, { image: big.toString('base64') });
    expect(json).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
    const rawRes = await raw(big);
    expect(rawRes.status).toBe(413);
  });

  it('answers 400 for malformed JSON and for a body of another content type', async () => {
    const malformed = await fetch(`${service.url}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"image":' });
    expect(malformed.status).toBe(400);
    const text = await fetch(`${service.url}/infer`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(text.status).toBe(400);
  });

  it('survives 1,000 bad requests in a row with bounded memory, and still classifies afterwards', async () => {
    const garbage = Buffer.alloc(290_000, 7);
    const kinds = [
      () => raw(garbage),
      () => raw(bomb),
      () => postJson(`${service.url}/infer`, { image: '%%%' }),
      () => postJson(`${service.url}/infer`, { image: garbage.subarray(0, 210_000).toString('base64') }),
    ];
    const rss: number[] = [];
    for (let i = 0; i < 1000; i += 1) {
      const res = await kinds[i % kinds.length]();
      if (res.status !== 400) throw new Error(`request ${i} answered ${res.status}`);
      if (res instanceof Response) await res.arrayBuffer();
      if (i % 250 === 249) rss.push(process.memoryUsage().rss / 2 ** 20);
    }
    // The allocator settles in the first few hundred requests; the last 500 carried ~130 MiB of bodies, so keeping
    // any sizeable share of them would show as growth.
    expect(rss[3] - rss[1]).toBeLessThan(48);
    const image = sampleImages().find((i) => i.file.startsWith('digit-0-'))!;
    const ok = await postJson(`${service.url}/infer`, { image: image.bytes.toString('base64') });
    expect(ok.body.predictions[0].label).toBe(image.label);
  });
});
