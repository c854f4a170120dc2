import { createLogger } from '@ai/observability';
import { startCallbackListener, type RunningCallbackListener } from '../src/callback-listener';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (res: Response): Promise<any> => res.json();
const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('the callback listener of a CLI run', () => {
  let listener: RunningCallbackListener;
  beforeAll(async () => {
    listener = await startCallbackListener({ port: 0, host: '127.0.0.1', logger: createLogger({ service: 'load-tester-test', level: 'error' }) });
  });
  afterAll(() => listener.stop());

  it('hands a valid callback to the request waiting for it, and says whether one was', async () => {
    expect(listener.callbackUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/storeLatency$/);
    const waiting = listener.receiver.expect('7', new AbortController().signal);
    const callback = { jobId: 'j7', model: 'digits-cnn', status: 'completed', clientRef: '7', attempts: 1, timings: { enqueuedAt: 1 } };
    const res = await post(listener.callbackUrl, callback);
    expect([res.status, await res.json()]).toEqual([200, { matched: true }]);
    expect((await waiting).callback).toMatchObject({ jobId: 'j7', clientRef: '7' });
    expect(await (await post(listener.callbackUrl, { ...callback, clientRef: '8' })).json()).toEqual({ matched: false });
    expect(listener.receiver.unmatched).toBe(1);
  });

  it('answers 400 naming the field for a body that is no job callback, as the server mode does', async () => {
    const missing = await post(listener.callbackUrl, { jobId: 'x', model: 'm', status: 'completed', attempts: 1 });
    expect(missing.status).toBe(400);
    expect((await json(missing)).error.field).toBe('timings');
    const malformed = await post(listener.callbackUrl, '{"jobId":');
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).error.field).toBe('body');
  });

  it('serves nothing of the server mode', async () => {
    const base = listener.callbackUrl.replace(/\/storeLatency$/, '');
    expect((await post(`${base}/runLoadTest`, {})).status).toBe(404);
    expect((await fetch(`${base}/health`)).status).toBe(404);
  });
});
