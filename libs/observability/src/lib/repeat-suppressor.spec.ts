import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { RepeatSuppressor } from './repeat-suppressor';

type Line = { level: string; message: string; meta: Record<string, unknown> };

function sink() {
  const lines: Line[] = [];
  return { lines, log: (level: string, message: string, meta: Record<string, unknown> = {}) => void lines.push({ level, message, meta }) };
}

describe('RepeatSuppressor', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('logs the first occurrence at once and its repeats once per doubling window, with counts', () => {
    const out = sink();
    const repeats = new RepeatSuppressor(out, { firstWindowMs: 1_000, maxWindowMs: 8_000 });
    // An error every 100 ms for 30 s: 300 occurrences.
    for (let i = 0; i < 300; i += 1) {
      repeats.log('warn', 'redis:ECONNREFUSED', 'redis connection error', { error: `attempt ${i}` });
      jest.advanceTimersByTime(100);
    }
    // Lines at 0 s, then at the ends of windows of 1, 2, 4, 8 and 8 s (t = 1, 3, 7, 15, 23 s; the next at 31 s).
    expect(out.lines.map((l) => l.meta.repeats ?? 0)).toEqual([0, 9, 20, 40, 80, 80]);
    expect(out.lines[0].meta).toEqual({ error: 'attempt 0' });
    const last = out.lines.at(-1)!;
    expect(last.meta).toMatchObject({ occurrences: 230, error: 'attempt 229', windowMs: 8_000 });
    expect(out.lines.reduce((sum, l) => sum + (l.meta.repeats === undefined ? 1 : Number(l.meta.repeats)), 0)).toBe(230);
  });

  it('forgets a key quiet for a whole window, so its next occurrence is logged at once', () => {
    const out = sink();
    const repeats = new RepeatSuppressor(out, { firstWindowMs: 1_000 });
    repeats.log('warn', 'k', 'boom');
    jest.advanceTimersByTime(1_001);
    expect(repeats.size).toBe(0);
    repeats.log('warn', 'k', 'boom');
    expect(out.lines).toHaveLength(2);
  });

  it('keeps keys apart, and resolve() reports what was not yet logged and starts the key afresh', () => {
    const out = sink();
    const repeats = new RepeatSuppressor(out);
    repeats.log('warn', 'a', 'a failed');
    repeats.log('warn', 'b', 'b failed');
    repeats.log('warn', 'a', 'a failed');
    repeats.log('warn', 'a', 'a failed');
    expect(out.lines.map((l) => l.message)).toEqual(['a failed', 'b failed']);
    expect(repeats.resolve('a', { level: 'info', message: 'a works again' })).toMatchObject({ occurrences: 3, repeats: 2 });
    expect(out.lines[2]).toEqual({ level: 'info', message: 'a works again', meta: { repeats: 2, occurrences: 3 } });
    repeats.log('warn', 'a', 'a failed');
    expect(out.lines).toHaveLength(4);
  });

  it('flush() writes the repeats still owed', () => {
    const out = sink();
    const repeats = new RepeatSuppressor(out);
    repeats.log('error', 'k', 'boom');
    repeats.log('error', 'k', 'boom');
    repeats.flush();
    expect(out.lines[1]).toMatchObject({ level: 'error', message: 'boom', meta: { repeats: 1, occurrences: 2 } });
    expect(repeats.size).toBe(0);
  });

  it('past maxKeys, logs new keys line for line rather than dropping them', () => {
    const out = sink();
    const repeats = new RepeatSuppressor(out, { maxKeys: 2 });
    for (const key of ['a', 'b', 'c', 'c']) repeats.log('warn', key, key);
    expect(out.lines.map((l) => l.message)).toEqual(['a', 'b', 'c', 'c']);
  });
});

describe('routeConsoleToLogger', () => {
  it('turns console output and an uncaught exception of a real process into JSON lines', () => {
    const root = join(__dirname, '../../../..');
    const script = `
      const { createLogger, routeConsoleToLogger } = require('./libs/observability/src/index.ts');
      routeConsoleToLogger(createLogger({ service: 'probe' }));
      console.error(new Error('connect ECONNREFUSED 127.0.0.1:6555'));
      for (let i = 0; i < 50; i += 1) console.warn('[ioredis] Unhandled error event:', 'Error: boom\\n    at somewhere');
      console.log('plain', { a: 1 });
      setTimeout(() => { throw new Error('late failure'); }, 10);
    `;
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json') },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const lines = `${run.stdout}${run.stderr}`.split('\n').filter(Boolean);
    const parsed = lines.map((line) => JSON.parse(line));
    expect(run.status).toBe(1);
    expect(parsed.map((l) => l.message)).toEqual([
      'Error: connect ECONNREFUSED 127.0.0.1:6555',
      '[ioredis] Unhandled error event: Error: boom',
      'plain { a: 1 }',
      'uncaught exception; exiting',
    ]);
    expect(parsed[0]).toMatchObject({ source: 'console', level: 'error', service: 'probe' });
    expect(parsed[3].error).toContain('late failure');
  });
});
