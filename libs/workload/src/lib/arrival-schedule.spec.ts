import { arrivalSchedule } from './arrival-schedule';
import { cappedRates } from './open-loop-scheduler';

describe('arrivalSchedule', () => {
  it("spreads each second's requests evenly inside that second", () => {
    const times = [...arrivalSchedule([4, 2])].map((r) => [r.seq, r.second, r.intendedMs]);
    expect(times).toEqual([
      [0, 0, 0],
      [1, 0, 250],
      [2, 0, 500],
      [3, 0, 750],
      [4, 1, 1000],
      [5, 1, 1500],
    ]);
  });

  it('draws poisson arrivals that keep the per-second count, sorted, and repeat with the same seed', () => {
    const a = [...arrivalSchedule([50, 0, 30], { arrivals: 'poisson', seed: 7 })];
    const b = [...arrivalSchedule([50, 0, 30], { arrivals: 'poisson', seed: 7 })];
    const c = [...arrivalSchedule([50, 0, 30], { arrivals: 'poisson', seed: 8 })];
    expect(a.filter((r) => r.second === 0)).toHaveLength(50);
    expect(a.filter((r) => r.second === 2)).toHaveLength(30);
    expect(a.every((r) => r.intendedMs >= r.second * 1000 && r.intendedMs < (r.second + 1) * 1000)).toBe(true);
    expect(a.every((r, i) => i === 0 || r.intendedMs >= a[i - 1].intendedMs)).toBe(true);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // Not evenly spaced: gaps vary as in a Poisson process.
    const gaps = a.slice(1, 50).map((r, i) => r.intendedMs - a[i].intendedMs);
    expect(Math.max(...gaps) / Math.min(...gaps)).toBeGreaterThan(5);
  });

  it('stops at the limit, and the per-second targets say so', () => {
    expect([...arrivalSchedule([10, 10], { limit: 13 })]).toHaveLength(13);
    expect(cappedRates([10, 10, 10], 13)).toEqual([10, 3, 0]);
    expect(cappedRates([1, 2])).toEqual([1, 2]);
  });
});
