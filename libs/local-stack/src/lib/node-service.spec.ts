import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNodeService } from './node-service';

describe('startNodeService', () => {
  const dir = mkdtempSync(join(tmpdir(), 'node-service-'));

  it('starts a process on the PORT it is given and waits until it answers', async () => {
    const entry = join(dir, 'server.js');
    writeFileSync(entry, "require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');");
    const service = await startNodeService({ name: 'echo', entry, readyPath: '/healthz' });
    expect(await (await fetch(service.url)).text()).toBe('ok');
    expect(await service.stop()).toBe('SIGTERM');
  });

  it('when the process dies during start-up, fails at once with its output', async () => {
    const entry = join(dir, 'crash.js');
    writeFileSync(entry, "console.error('model not found'); process.exit(3);");
    const started = Date.now();
    await expect(startNodeService({ name: 'crasher', entry, readyTimeoutMs: 60_000 })).rejects.toThrow(/exited with 3[\s\S]*model not found/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
