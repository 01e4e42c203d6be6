import { backfillStart, firstWindowStart, historicalWindow, realtimeWindow } from './windows';

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

describe('firstWindowStart', () => {
  // An epoch that took effect at 10_000 (takeover start 10_000 - 60 - 40), a cycle ending at 14_000.
  const entity = { takeoverStart: 9_900, end: 14_000, sampleSeconds: 20, retentionSeconds: 3600 };

  it('starts an entity known since the first inventory read at the takeover start', () => {
    expect(firstWindowStart({ ...entity, bootTime: 9_000 })).toBe(9_900);
  });

  it('starts an entity known before the takeover start there, whatever its boot time', () => {
    expect(firstWindowStart({ ...entity, appearedAt: 9_800, bootTime: 9_700 })).toBe(9_900);
  });

  it('starts an entity powered on and seen after the takeover start one sample before its boot', () => {
    expect(firstWindowStart({ ...entity, appearedAt: 13_990, bootTime: 13_950 })).toBe(13_930);
  });

  it('reaches back before the takeover start for an entity that booted earlier but appeared later', () => {
    // Powered on just before an epoch change and first seen at the inventory read of the new epoch.
    expect(firstWindowStart({ ...entity, end: 10_020, appearedAt: 10_000, bootTime: 9_778 })).toBe(9_758);
  });

  it("is bounded by vCenter's retention, so that nothing is counted as lost", () => {
    const start = firstWindowStart({ ...entity, appearedAt: 13_990, bootTime: 1_000 });
    expect(start).toBe(14_000 - 3600);
    expect(realtimeWindow({ ...entity, backfillFrom: start }).lostSamples).toBe(0);
    expect(firstWindowStart({ ...entity, appearedAt: 13_990, bootTime: null })).toBe(14_000 - 3600);
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

describe('realtimeWindow after a cut', () => {
  const base = { backfillFrom: 0, end: 100_000, sampleSeconds: 20, retentionSeconds: 3600 };
  it('counts a loss once: the next window starts where the cut one did, counting only what fell out since', () => {
    const acked = 100_000 - 2 * 3600;
    const cut = realtimeWindow({ ...base, acked });
    expect(cut.lostSamples).toBe(180);
    // The writes failed (sink still down): the acknowledged mark stays, the cut start is settled.
    expect(realtimeWindow({ ...base, acked, settled: cut.start })).toMatchObject({
      start: cut.start,
      lostSamples: 0,
    });
    expect(realtimeWindow({ ...base, end: 100_020, acked, settled: cut.start })).toMatchObject({
      start: cut.start + 20,
      lostSamples: 1,
    });
  });
});
