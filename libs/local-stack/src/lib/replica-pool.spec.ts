import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplicaPool } from './replica-pool';
import { waitFor } from './wait-for';

describe('ReplicaPool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replica-pool-'));
  const entry = join(dir, 'server.js');
  // Ready after 300 ms; on SIGTERM drains for 300 ms, then exits 0.
  writeFileSync(
    entry,
    `const http = require('node:http'); let ready = false; setTimeout(() => (ready = true), 300);
     const server = http.createServer((q, s) => { s.statusCode = ready ? 200 : 503; s.end(String(process.pid)); }).listen(Number(process.env.PORT), '127.0.0.1');
     process.on('SIGTERM', () => setTimeout(() => process.exit(0), 300));`,
  );

  it('starts processes up to the count asked, counts them ready once they answer, and drains the surplus with SIGTERM', async () => {
    const pool = new ReplicaPool({ service: { name: 'echo', entry, readyPath: '/' } });
    try {
      pool.scaleTo(3);
      expect(pool.counts()).toEqual({ desired: 3, starting: 3, ready: 0, stopping: 0 });
      await waitFor('3 ready', () => pool.counts().ready === 3, 20_000);
      const pids = await Promise.all(pool.ready().map(async (s) => (await fetch(s.url)).text()));
      expect(new Set(pids).size).toBe(3);
      pool.scaleTo(1);
      expect(pool.counts()).toEqual({ desired: 1, starting: 0, ready: 1, stopping: 2 });
      await waitFor('2 stopped', () => pool.counts().stopping === 0, 20_000);
      expect(pool.counts()).toEqual({ desired: 1, starting: 0, ready: 1, stopping: 0 });
    } finally {
      await pool.close();
    }
    expect(pool.counts()).toEqual({ desired: 0, starting: 0, ready: 0, stopping: 0 });
  });

  it('shrinking while processes start removes those still starting first; one that dies is replaced', async () => {
    const pool = new ReplicaPool({ service: { name: 'echo', entry, readyPath: '/' } });
    try {
      pool.scaleTo(1);
      await waitFor('1 ready', () => pool.counts().ready === 1, 20_000);
      const first = pool.ready()[0];
      pool.scaleTo(2);
      pool.scaleTo(1);
      expect(pool.counts()).toMatchObject({ desired: 1, ready: 1, starting: 0 });
      await waitFor('the cancelled one gone', () => pool.counts().stopping === 0, 20_000);
      expect(pool.ready()).toEqual([first]);
      first.process.kill('SIGKILL');
      await waitFor('a replacement ready', () => pool.counts().ready === 1 && pool.ready()[0] !== first, 20_000);
    } finally {
      await pool.close();
    }
  });
});
