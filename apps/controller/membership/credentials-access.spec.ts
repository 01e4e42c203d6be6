import type { CollectorEntity, StoredAssignment } from '@vcc/database';
import { holdsIndicesOn } from './membership.service';

const terms = (
  vcenterId: string,
  effectiveFrom: string,
  groupIndices: number[],
  paused = false,
): StoredAssignment => ({
  vcenterId,
  epoch: 1,
  effectiveFrom,
  groupIndices,
  groupCount: 2,
  paused,
  requestBudget: paused ? 0 : 4,
  realtimeIntervalSeconds: 60,
  historicalIntervalSeconds: 300,
});

const collector = (assignment: StoredAssignment | null, previousAssignment: StoredAssignment | null) =>
  ({ assignment, previousAssignment }) as CollectorEntity;

describe('holdsIndicesOn (who may fetch a vCenter’s credentials)', () => {
  const now = new Date('2026-11-24T10:00:30Z');

  it('holds the vCenter of the assignment in force and of the one from the next boundary', () => {
    const moving = collector(
      terms('vc-b', '2026-11-24T10:01:00Z', [0]),
      terms('vc-a', '2026-11-24T09:00:00Z', [1]),
    );
    expect(holdsIndicesOn(moving, 'vc-a', now)).toBe(true);
    expect(holdsIndicesOn(moving, 'vc-b', now)).toBe(true);
    expect(holdsIndicesOn(moving, 'vc-c', now)).toBe(false);
  });

  it('no longer holds a previous vCenter once the latest assignment is in force', () => {
    const moved = collector(
      terms('vc-b', '2026-11-24T10:00:00Z', [0]),
      terms('vc-a', '2026-11-24T09:00:00Z', [1]),
    );
    expect(holdsIndicesOn(moved, 'vc-a', now)).toBe(false);
  });

  it('holds nothing of a paused vCenter or where it has no indices', () => {
    expect(
      holdsIndicesOn(collector(terms('vc-a', '2026-11-24T10:00:00Z', [], true), null), 'vc-a', now),
    ).toBe(false);
    expect(holdsIndicesOn(collector(terms('vc-a', '2026-11-24T10:00:00Z', []), null), 'vc-a', now)).toBe(
      false,
    );
    expect(holdsIndicesOn(collector(null, null), 'vc-a', now)).toBe(false);
  });
});
