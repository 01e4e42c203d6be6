import { sampleTimes } from './sample-times';

const NOW = 1_767_225_655; // 55 s after a multiple of 20 (and of 300: …600)

describe('sampleTimes', () => {
  it('lists every multiple of the interval within the retention, oldest first, up to now', () => {
    const times = sampleTimes({ interval: 20, retention: 3600, now: NOW });
    expect(times).toHaveLength(180);
    expect(times[times.length - 1]).toBe(1_767_225_640);
    expect(times[0]).toBeGreaterThan(NOW - 3600);
    expect(times.every((t, i) => t % 20 === 0 && (i === 0 || t - times[i - 1] === 20))).toBe(true);
  });

  it('excludes startTime and includes endTime, as vCenter', () => {
    expect(
      sampleTimes({
        interval: 20,
        retention: 3600,
        now: NOW,
        startTime: 1_767_225_600,
        endTime: 1_767_225_640,
      }),
    ).toEqual([1_767_225_620, 1_767_225_640]);
  });

  it('keeps the most recent maxSample samples', () => {
    expect(sampleTimes({ interval: 20, retention: 3600, now: NOW, maxSample: 2 })).toEqual([
      1_767_225_620, 1_767_225_640,
    ]);
  });

  it('has nothing before an entity existed, and nothing for a window in the future', () => {
    expect(sampleTimes({ interval: 20, retention: 3600, now: NOW, notBefore: 1_767_225_630 })).toEqual([
      1_767_225_640,
    ]);
    expect(sampleTimes({ interval: 20, retention: 3600, now: NOW, startTime: NOW + 100 })).toEqual([]);
  });

  it('scales down for tests: 2 s samples kept for 60 s', () => {
    expect(sampleTimes({ interval: 2, retention: 60, now: NOW })).toHaveLength(30);
  });
});
