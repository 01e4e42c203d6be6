import type { StoredAssignment } from '@vcc/database';
import { advance, nextBoundary, publishEpoch, type GroupSettings } from './epoch';

const at = (iso: string): Date => new Date(iso);

describe('nextBoundary', () => {
  it('is the first wall-clock multiple of the interval at least the lead after now', () => {
    expect(nextBoundary(at('2026-11-24T10:00:30Z'), 15, 60)).toEqual(at('2026-11-24T10:01:00Z'));
    expect(nextBoundary(at('2026-11-24T10:00:50Z'), 15, 60)).toEqual(at('2026-11-24T10:02:00Z'));
    expect(nextBoundary(at('2026-11-24T10:00:45Z'), 15, 60)).toEqual(at('2026-11-24T10:01:00Z'));
    expect(nextBoundary(at('2026-11-24T10:03:00Z'), 15, 300)).toEqual(at('2026-11-24T10:05:00Z'));
  });

  it('never goes before notBefore', () => {
    expect(nextBoundary(at('2026-11-24T10:00:00Z'), 15, 60, at('2026-11-24T10:04:30Z'))).toEqual(
      at('2026-11-24T10:05:00Z'),
    );
  });
});

describe('publishEpoch', () => {
  const group: GroupSettings = {
    id: 'vc',
    epoch: 4,
    epochEffectiveFrom: at('2026-11-24T10:00:00Z'),
    enabled: true,
    realtimeIntervalSeconds: 60,
    historicalIntervalSeconds: 300,
    requestBudget: 8,
  };

  it('bumps the epoch once and gives every member its indices, the count and a budget share', () => {
    const published = publishEpoch(group, ['a', 'b', 'a'], at('2026-11-24T10:00:10Z'), 15);
    expect(published.epoch).toBe(5);
    expect(published.effectiveFrom).toEqual(at('2026-11-24T10:01:00Z'));
    expect(published.byCollector.get('a')).toEqual({
      vcenterId: 'vc',
      epoch: 5,
      effectiveFrom: '2026-11-24T10:01:00.000Z',
      groupIndices: [0, 2],
      groupCount: 3,
      paused: false,
      requestBudget: 5,
      realtimeIntervalSeconds: 60,
      historicalIntervalSeconds: 300,
    });
    expect(published.byCollector.get('b')).toMatchObject({ groupIndices: [1], requestBudget: 3 });
    expect(published.empty).toMatchObject({ epoch: 5, groupIndices: [], groupCount: 3, requestBudget: 0 });
  });

  it('keeps the boundary monotonic after a change of interval', () => {
    const slow = { ...group, realtimeIntervalSeconds: 60, epochEffectiveFrom: at('2026-11-24T10:05:00Z') };
    expect(publishEpoch(slow, ['a'], at('2026-11-24T10:00:10Z'), 15).effectiveFrom).toEqual(
      at('2026-11-24T10:05:00Z'),
    );
  });

  it('gives no indices while paused but keeps the group count', () => {
    const published = publishEpoch({ ...group, enabled: false }, ['a', 'b'], at('2026-11-24T10:00:10Z'), 15);
    expect(published.byCollector.get('a')).toMatchObject({ groupIndices: [], groupCount: 2, paused: true });
  });
});

describe('advance', () => {
  const assignment = (epoch: number, effectiveFrom: string): StoredAssignment => ({
    vcenterId: 'vc',
    epoch,
    effectiveFrom,
    groupIndices: [0],
    groupCount: 1,
    paused: false,
    requestBudget: 1,
    realtimeIntervalSeconds: 60,
    historicalIntervalSeconds: 300,
  });

  it('keeps the assignment in force until the next one takes effect', () => {
    const first = assignment(1, '2026-11-24T10:00:00.000Z');
    const second = assignment(2, '2026-11-24T10:05:00.000Z');
    expect(advance({ assignment: first, previous: null }, second)).toEqual({
      assignment: second,
      previous: first,
    });
  });

  it('drops an assignment superseded before its boundary', () => {
    const inForce = assignment(1, '2026-11-24T10:00:00.000Z');
    const superseded = assignment(2, '2026-11-24T10:05:00.000Z');
    const latest = assignment(3, '2026-11-24T10:05:00.000Z');
    expect(advance({ assignment: superseded, previous: inForce }, latest)).toEqual({
      assignment: latest,
      previous: inForce,
    });
  });

  it('clears both when the collector is left without a vCenter', () => {
    const first = assignment(1, '2026-11-24T10:00:00.000Z');
    expect(advance({ assignment: first, previous: null }, null)).toEqual({
      assignment: null,
      previous: null,
    });
  });
});
