import type { AssignmentResponse, AssignmentView, VcenterCredentials } from '../controller/controller.types';
import { AssignmentTracker } from './assignment.tracker';

function assignment(
  epoch: number,
  effectiveFrom: string,
  groupIndices: number[],
  groupCount: number,
): AssignmentView {
  return {
    epoch,
    effectiveFrom,
    groupIndices,
    groupIndex: groupIndices[0] ?? null,
    groupCount,
    watermarks: [],
    paused: false,
    requestBudget: 4,
    realtimeIntervalSeconds: 60,
    historicalIntervalSeconds: 300,
    vcenter: {
      id: 'vc-1',
      name: 'vc',
      sdkUrl: 'https://vc/sdk',
      tls: { insecure: false, caFile: null },
      counters: { vm: [], host: [], cluster: [], datastore: [] },
      filters: { include: [], exclude: [] },
      credentialVersion: 1,
    },
  };
}

const CREDENTIALS = new Map<string, VcenterCredentials>([
  ['vc-1', { vcenterId: 'vc-1', credentialVersion: 1, username: 'vcc', password: 'pw' }],
]);

function response(latest: AssignmentView | null, previous: AssignmentView | null): AssignmentResponse {
  return {
    collectorId: 'c1',
    state: 'active',
    serverTime: '',
    leaseTtlSeconds: 30,
    heartbeatIntervalSeconds: 10,
    assignment: latest,
    previous,
  };
}

describe('AssignmentTracker', () => {
  const t = (iso: string): number => Date.parse(iso);

  it('keeps the previous assignment until the new one takes effect at its boundary', () => {
    const tracker = new AssignmentTracker();
    tracker.update(
      response(assignment(5, '2026-11-24T10:02:00Z', [1], 3), assignment(4, '2026-11-24T09:00:00Z', [0], 2)),
      CREDENTIALS,
      t('2026-11-24T10:00:30Z'),
    );
    expect(tracker.at(t('2026-11-24T10:01:00Z'))?.epoch).toBe(4);
    expect(tracker.at(t('2026-11-24T10:02:00Z'))?.epoch).toBe(5);
    expect(tracker.at(t('2026-11-24T10:03:00Z'))?.groupIndices).toEqual([1]);
  });

  it('has nothing to collect before a first assignment takes effect', () => {
    const tracker = new AssignmentTracker();
    tracker.update(
      response(assignment(1, '2026-11-24T10:02:00Z', [0], 1), null),
      CREDENTIALS,
      t('2026-11-24T10:00:30Z'),
    );
    expect(tracker.at(t('2026-11-24T10:01:00Z'))).toBeNull();
  });

  it('fences itself once the lease may have expired without contact, and not before', () => {
    const tracker = new AssignmentTracker();
    expect(tracker.fenced(0)).toBe(true);
    tracker.update(response(assignment(1, '2026-11-24T10:00:00Z', [0], 1), null), CREDENTIALS, 1_000_000);
    expect(tracker.fenced(1_000_000 + 30_000)).toBe(false);
    expect(tracker.fenced(1_000_000 + 30_001)).toBe(true);
    tracker.update(response(assignment(1, '2026-11-24T10:00:00Z', [0], 1), null), CREDENTIALS, 1_040_000);
    expect(tracker.fenced(1_040_000)).toBe(false);
  });

  it('offers an assignment with the credentials of its vCenter, and none without them', () => {
    const tracker = new AssignmentTracker();
    const latest = assignment(1, '2026-11-24T10:00:00Z', [0], 1);
    tracker.update(response(latest, null), CREDENTIALS, t('2026-11-24T10:00:30Z'));
    expect(tracker.at(t('2026-11-24T10:01:00Z'))?.vcenter).toMatchObject({
      id: 'vc-1',
      username: 'vcc',
      password: 'pw',
    });
    tracker.update(response(latest, null), new Map(), t('2026-11-24T10:00:40Z'));
    expect(tracker.at(t('2026-11-24T10:01:00Z'))).toBeNull();
  });
});
