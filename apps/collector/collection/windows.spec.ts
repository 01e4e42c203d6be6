import { backfillStart, historicalWindow, nextBoundary, realtimeWindow } from './windows';

const base = { sampleSeconds: 20, retentionSeconds: 3600, end: 100_000, backfillFrom: 99_000 };

describe('realtimeWindow', () => {
  it('starts after the newest acknowledged or queued sample', () => {
    expect(realtimeWindow({ ...base, acked: 99_940 })).toEqual({
      start: 99_940,
      end: 100_000,
      maxSample: 3,
      lostSamples: 0,
    });
    expect(realtimeWindow({ ...base, acked: 99_900, queued: 99_960 }).start).toBe(99_960);
  });

  it('backfills an entity without a watermark', () => {
    expect(realtimeWindow(base)).toMatchObject({ start: 99_000, maxSample: 50 });
  });

  it("cuts a window at vCenter's retention and counts the samples lost", () => {
    const window = realtimeWindow({ ...base, acked: 100_000 - 2 * 3600 });
    expect(window.start).toBe(100_000 - 3600);
    expect(window.maxSample).toBe(180);
    expect(window.lostSamples).toBe(180);
  });

  it('loses nothing when the watermark is just inside the retention', () => {
    expect(realtimeWindow({ ...base, acked: 100_000 - 3600 }).lostSamples).toBe(0);
  });
});

describe('backfillStart', () => {
  it('reaches back two lease TTLs and two cycles before the new assignment', () => {
    expect(backfillStart(10_000, 30, 60)).toBe(10_000 - 60 - 120);
  });
});

describe('historicalWindow', () => {
  it('always reads back the lookback, for rollups vCenter posts late', () => {
    expect(
      historicalWindow({ acked: 99_900, end: 100_000, intervalSeconds: 300, lookbackIntervals: 3 }),
    ).toMatchObject({ start: 99_100, maxSample: 3 });
    expect(
      historicalWindow({ acked: 98_000, end: 100_000, intervalSeconds: 300, lookbackIntervals: 3 }).start,
    ).toBe(98_000);
  });
});

describe('nextBoundary', () => {
  it('is a wall-clock multiple of the interval at or after now', () => {
    expect(nextBoundary(Date.parse('2026-11-24T10:00:05Z'), 60)).toBe(Date.parse('2026-11-24T10:01:00Z'));
    expect(nextBoundary(Date.parse('2026-11-24T10:01:00Z'), 60)).toBe(Date.parse('2026-11-24T10:01:00Z'));
  });
});
