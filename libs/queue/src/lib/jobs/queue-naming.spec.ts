import { idempotentQueueJobId, parsePublicJobId, publicJobId, queueKeys } from './queue-naming';

describe('queue naming', () => {
  it('documents the Redis keys KEDA reads', () => {
    expect(queueKeys('digits-cnn')).toMatchObject({
      wait: 'bull:digits-cnn:wait',
      prioritized: 'bull:digits-cnn:prioritized',
      active: 'bull:digits-cnn:active',
    });
  });

  it('round-trips public job ids and hashes idempotency keys into ids BullMQ accepts', () => {
    expect(parsePublicJobId(publicJobId('tiny-lm', 'abc-1'))).toEqual({ model: 'tiny-lm', queueJobId: 'abc-1' });
    expect(parsePublicJobId('no-model')).toBeUndefined();
    const id = idempotentQueueJobId('order:42');
    expect(id).not.toContain(':');
    expect(id).toBe(idempotentQueueJobId('order:42'));
    expect(id).not.toBe(idempotentQueueJobId('order:43'));
  });
});
