import IORedis from 'ioredis';
import { startRedisServer, waitFor, type RunningRedisServer } from '@ai/local-stack';
import { InferenceClient } from './inference-client';
import { liveReplicas, ReplicaRegistration, ReplicaWatcher } from '@ai/redis-link';

describe('replica registry (real redis-server)', () => {
  let redis: RunningRedisServer;
  let client: IORedis;
  beforeAll(async () => {
    redis = await startRedisServer();
    client = new IORedis(redis.url, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    client.disconnect();
    await redis.dispose();
  });

  it("replicas join and leave their model's set; the watcher sees each change without a restart", async () => {
    const changes: string[][] = [];
    const watcher = new ReplicaWatcher({
      redis: client,
      models: ['m-a', 'm-b'],
      intervalMs: 50,
      onChange: (model, members) => model === 'm-a' && changes.push([...members]),
    });
    await watcher.start();
    const one = new ReplicaRegistration({ redis: client, model: 'm-a', url: 'http://127.0.0.1:9001' });
    const two = new ReplicaRegistration({ redis: client, model: 'm-a', url: 'http://127.0.0.1:9002' });
    try {
      expect(watcher.replicas('m-a')).toEqual([]);
      await one.join();
      await two.join();
      await waitFor('both members', () => watcher.replicas('m-a').length === 2, 5_000, 20);
      expect(watcher.replicas('m-b')).toEqual([]);
      await one.leave();
      await waitFor('one left', () => watcher.replicas('m-a').length === 1, 5_000, 20);
      expect(watcher.replicas('m-a')).toEqual(['http://127.0.0.1:9002']);
      expect(changes.at(-1)).toEqual(['http://127.0.0.1:9002']);
    } finally {
      await two.leave();
      await watcher.stop();
    }
  });

  it('an entry that is not renewed (its process died) drops out after its TTL; a renewed one stays', async () => {
    const dead = new ReplicaRegistration({ redis: client, model: 'm-ttl', url: 'http://127.0.0.1:9101', ttlMs: 400 });
    const alive = new ReplicaRegistration({ redis: client, model: 'm-ttl', url: 'http://127.0.0.1:9102', ttlMs: 400 });
    await dead.join();
    await alive.join();
    // A crash: no leave(), no more heartbeats (the timer is cleared without removing the entry).
    clearInterval((dead as unknown as { timer: NodeJS.Timeout }).timer);
    expect(await liveReplicas(client, 'm-ttl')).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(await liveReplicas(client, 'm-ttl')).toEqual(['http://127.0.0.1:9102']);
    await alive.leave();
    expect(await liveReplicas(client, 'm-ttl')).toEqual([]);
  });

  it('an inference client over an empty set fails retryably, naming why; it follows the set as it changes', async () => {
    let members: string[] = [];
    const client = new InferenceClient({ urls: () => members });
    await expect(client.call('infer', {})).rejects.toThrow(/no inference replica is registered/);
    members = ['http://127.0.0.1:1'];
    await expect(client.call('infer', {})).rejects.toThrow(/127\.0\.0\.1:1\/infer connection failed/);
  });

  it('refuses a URL that is not http(s)', () => {
    expect(() => new ReplicaRegistration({ redis: client, model: 'm', url: 'localhost:8080' })).toThrow(/not an http/);
  });
});
