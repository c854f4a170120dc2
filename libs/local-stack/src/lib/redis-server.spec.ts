import { startRedisServer } from './redis-server';
import { createConnection } from 'node:net';

async function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => socket.write(line + '\r\n'));
    socket.on('data', (data) => {
      socket.destroy();
      resolve(data.toString());
    });
    socket.on('error', reject);
  });
}

describe('startRedisServer', () => {
  it('starts a private redis-server that keeps append-only data across a restart', async () => {
    const redis = await startRedisServer({ appendOnly: true });
    try {
      expect(await command(redis.port, 'SET survivor 1')).toBe('+OK\r\n');
      expect(await command(redis.port, 'INFO server')).toContain(`process_id:${redis.pid}`);
      await new Promise((resolve) => setTimeout(resolve, 1_200)); // appendfsync everysec
      await redis.stop(true);
      await redis.start();
      expect(await command(redis.port, 'GET survivor')).toBe('$1\r\n1\r\n');
    } finally {
      await redis.dispose();
    }
  });
});
