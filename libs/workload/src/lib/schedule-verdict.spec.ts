import { lateAgainstSchedule, scheduleVerdict } from './schedule-verdict';

const peakHours = [10, 15, 20, 25, 30, 25, 20, 15, 10, 5].map((target, second) => ({ second, target, sent: target }));

describe('scheduleVerdict (GENERATOR-LIMITED)', () => {
  it('a send counts against the schedule only when it went out after the next one was due (at least 5 ms late)', () => {
    // 30 requests/s: a send every 33.3 ms.
    expect(lateAgainstSchedule(5.78, 30)).toBe(false);
    expect(lateAgainstSchedule(30, 30)).toBe(false);
    expect(lateAgainstSchedule(34, 30)).toBe(true);
    // 5 requests/s: 150 ms late is still before the next send, due 200 ms later.
    expect(lateAgainstSchedule(150, 5)).toBe(false);
    // 1000 requests/s: the gap (1 ms) is below timer resolution; the 5 ms floor applies.
    expect(lateAgainstSchedule(3, 1000)).toBe(false);
    expect(lateAgainstSchedule(6, 1000)).toBe(true);
  });

  it('peak-hours with every second on target and no send after the next was due is not flagged, however high its p99', () => {
    expect(scheduleVerdict({ seconds: peakHours, sent: 175, lateSends: 0 })).toEqual({ generatorLimited: false, reasons: [] });
  });

  it('one late send in 175 is noise within the 1 % allowed; five are not', () => {
    const worstLateSend = { second: 4, latenessMs: 180, gapMs: 33.3 };
    expect(scheduleVerdict({ seconds: peakHours, sent: 175, lateSends: 1, worstLateSend }).generatorLimited).toBe(false);
    const five = scheduleVerdict({ seconds: peakHours, sent: 175, lateSends: 5, worstLateSend });
    expect(five.generatorLimited).toBe(true);
    expect(five.reasons).toEqual([
      '5 of 175 sends (2.9 %, more than 1 %) went out after the next request was due (later than the mean gap between sends); worst 180.0 ms late in second 4, where the gap is 33.3 ms',
    ]);
  });

  it('a second that sent fewer requests than asked is flagged; one request short (a boundary) or above target is not', () => {
    const shortByOne = peakHours.map((s) => (s.second === 4 ? { ...s, sent: 29 } : s.second === 5 ? { ...s, sent: 26 } : s));
    expect(scheduleVerdict({ seconds: shortByOne, sent: 175, lateSends: 0 }).generatorLimited).toBe(false);
    const shortByThree = peakHours.map((s) => (s.second === 4 ? { ...s, sent: 27 } : s.second === 5 ? { ...s, sent: 28 } : s));
    expect(scheduleVerdict({ seconds: shortByThree, sent: 175, lateSends: 0 })).toEqual({
      generatorLimited: true,
      reasons: ['1 second(s) sent fewer requests than the workload asks, by more than 2 % (first: second 4, 27 of 30)'],
    });
  });
});
