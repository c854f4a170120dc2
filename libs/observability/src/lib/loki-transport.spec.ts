import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../index';

/**
 * The Loki transport against a real HTTP server on 127.0.0.1 standing in for Loki's push endpoint
 * (POST /loki/api/v1/push, JSON body {streams: [{stream: labels, values: [[ns, line, metadata?]]}]}), decoding
 * exactly what winston-loki sends.
 */
interface Push {
  path: string;
  contentType: string;
  body: { streams: { stream: Record<string, string>; values: [string, string, Record<string, string>?][] }[] };
}

let server: Server;
let url: string;
const pushes: Push[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      pushes.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => (pushes.length = 0));

/** Logs through a logger with the Loki transport, then closes it (which sends what is batched) and returns what Loki received. */
async function logToLoki(service: string, env: Record<string, string>, log: (logger: ReturnType<typeof createLogger>) => void): Promise<Push[]> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const logger = createLogger({ service, lokiUrl: url, silent: true });
    log(logger);
    const closed = new Promise<void>((resolve) => logger.on('finish', () => resolve()));
    logger.end();
    await closed;
    // winston-loki sends its last batch on close; wait until the server has it.
    for (let i = 0; i < 100 && pushes.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    return [...pushes];
  } finally {
    process.env = saved;
  }
}

it('pushes JSON lines to /loki/api/v1/push, labelled with service, model, pod and namespace', async () => {
  const received = await logToLoki('inference', { MODEL_NAME: 'digits-cnn', POD_NAME: 'ai-inference-digits-cnn-7c9d-x1', POD_NAMESPACE: 'ml' }, (logger) => {
    logger.info('job done', { jobId: 'j1', ms: 12 });
    logger.warn('slow upstream', { upstream: 'inference' });
    logger.error('failed', new Error('boom'));
  });
  expect(received.length).toBeGreaterThan(0);
  for (const push of received) {
    expect(push.path).toBe('/loki/api/v1/push');
    expect(push.contentType).toBe('application/json');
  }
  const streams = received.flatMap((p) => p.body.streams);
  for (const s of streams)
    expect(s.stream).toMatchObject({ service: 'inference', model: 'digits-cnn', pod: 'ai-inference-digits-cnn-7c9d-x1', namespace: 'ml' });
  const lines = streams.flatMap((s) => s.values.map((v) => v[1]));
  expect(lines).toHaveLength(3);
  // What Loki's `| json` parses: every line is one JSON object with the message, level and fields.
  const parsed = lines.map((l) => JSON.parse(l));
  expect(parsed).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ message: 'job done', level: 'info', service: 'inference', jobId: 'j1', ms: 12 }),
      expect.objectContaining({ message: 'slow upstream', level: 'warn', upstream: 'inference' }),
      expect.objectContaining({ level: 'error', message: expect.stringContaining('boom'), stack: expect.stringContaining('Error: boom') }),
    ]),
  );
  for (const p of parsed) expect(Date.parse(p.timestamp)).not.toBeNaN();
  // Timestamps are nanoseconds since the epoch, as strings.
  for (const s of streams) for (const [ts] of s.values) expect(ts).toMatch(/^\d{19}$/);
});

it('leaves out labels it has no value for (docker compose has no namespace; the dispatcher serves no single model)', async () => {
  const received = await logToLoki('dispatcher', { MODEL_NAME: '', POD_NAME: '', POD_NAMESPACE: '' }, (logger) => logger.info('hello'));
  const [stream] = received.flatMap((p) => p.body.streams);
  expect(Object.keys(stream.stream).sort()).toEqual(['level', 'pod', 'service']);
  // Without POD_NAME the pod label is the host name (a container's id under docker compose).
  expect(stream.stream.pod).toBe(require('node:os').hostname());
  expect(JSON.parse(stream.values[0][1])).toMatchObject({ message: 'hello', level: 'info' });
});
