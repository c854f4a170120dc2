import { BufferPool } from './buffer-pool';

describe('BufferPool', () => {
  it('gives back a spare buffer of the exact size asked for, or a new one', () => {
    const pool = new BufferPool(2, 1000);
    const a = pool.take(100);
    pool.give(a);
    expect(pool.take(100)).toBe(a);
    expect(pool.take(100)).not.toBe(a);
    pool.give(a);
    expect(pool.take(200)).not.toBe(a);
  });

  it('keeps at most `perSize` of one size and `maxBytes` in all, and never an emptied buffer', () => {
    const pool = new BufferPool(2, 500);
    for (let i = 0; i < 3; i += 1) pool.give(new ArrayBuffer(100));
    expect(pool.held).toBe(200);
    pool.give(new ArrayBuffer(400));
    expect(pool.held).toBe(200);
    pool.give(new ArrayBuffer(300));
    expect(pool.held).toBe(500);
    const moved = new ArrayBuffer(50);
    structuredClone(moved, { transfer: [moved] });
    pool.give(moved);
    expect(pool.held).toBe(500);
  });
});
