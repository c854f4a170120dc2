import { DEFAULT_RECONNECT, reconnectDelay } from './redis-connection';

describe('reconnectDelay', () => {
  it('backs off exponentially from 100 ms and stays at the cap (2 s by default), forever', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50, 10_000].map((times) => reconnectDelay(times))).toEqual([100, 200, 400, 800, 1600, 2000, 2000, 2000, 2000]);
    expect(DEFAULT_RECONNECT).toEqual({ initialMs: 100, maxMs: 2_000 });
  });

  it('follows the policy it is given', () => {
    expect([1, 2, 3, 4].map((times) => reconnectDelay(times, { initialMs: 250, maxMs: 1_000 }))).toEqual([250, 500, 1000, 1000]);
  });
});
