import { boundaryAtOrAfter } from '@vcc/contract';
import type { StoredAssignment } from '@vcc/database';
import { budgetShares, indicesOf, type GroupSlots } from './group-slots';

/** What of a vCenter decides its members' assignments. */
export interface GroupSettings {
  id: string;
  epoch: number;
  epochEffectiveFrom: Date | null;
  enabled: boolean;
  realtimeIntervalSeconds: number;
  historicalIntervalSeconds: number;
  requestBudget: number;
}

/** A collector's assignments: the latest one and the one in force until it takes effect. */
export interface HeldAssignments {
  assignment: StoredAssignment | null;
  previous: StoredAssignment | null;
}

/**
 * The first cycle boundary at least `leadSeconds` after `now` and not before `notBefore`. With a lead of one heartbeat
 * interval plus a margin, every live member hears of a change before it takes effect, so all
 * members switch in the same cycle.
 */
export function nextBoundary(
  now: Date,
  leadSeconds: number,
  intervalSeconds: number,
  notBefore?: Date | null,
): Date {
  const earliest = Math.max(now.getTime() + leadSeconds * 1000, notBefore?.getTime() ?? 0);
  return new Date(boundaryAtOrAfter(earliest, intervalSeconds));
}

export interface PublishedEpoch {
  epoch: number;
  effectiveFrom: Date;
  /** The assignment of every collector holding indices after the change. */
  byCollector: Map<string, StoredAssignment>;
  /** An assignment with no indices at the same boundary, for collectors that leave but still listen. */
  empty: StoredAssignment;
}

/**
 * Bumps the epoch once for a change that left the vCenter with `slots`. The new assignments take
 * effect at the next boundary after `now + leadSeconds`, never before the current epoch's boundary
 * or `notBefore` (a collector moved from another vCenter starts here no earlier than it stops there).
 * A paused (disabled) vCenter keeps its slots but gives nobody indices.
 */
export function publishEpoch(
  group: GroupSettings,
  slots: GroupSlots,
  now: Date,
  leadSeconds: number,
  notBefore?: Date | null,
): PublishedEpoch {
  const epoch = group.epoch + 1;
  const floor = Math.max(group.epochEffectiveFrom?.getTime() ?? 0, notBefore?.getTime() ?? 0);
  const effectiveFrom = nextBoundary(now, leadSeconds, group.realtimeIntervalSeconds, new Date(floor));
  const base = {
    vcenterId: group.id,
    epoch,
    effectiveFrom: effectiveFrom.toISOString(),
    groupCount: slots.length,
    paused: !group.enabled,
    realtimeIntervalSeconds: group.realtimeIntervalSeconds,
    historicalIntervalSeconds: group.historicalIntervalSeconds,
  };
  const shares = budgetShares(slots, group.requestBudget);
  const byCollector = new Map<string, StoredAssignment>();
  for (const [collectorId, indices] of indicesOf(slots)) {
    byCollector.set(collectorId, {
      ...base,
      groupIndices: group.enabled ? indices : [],
      requestBudget: group.enabled ? (shares.get(collectorId) ?? 1) : 0,
    });
  }
  return { epoch, effectiveFrom, byCollector, empty: { ...base, groupIndices: [], requestBudget: 0 } };
}

/**
 * Gives a collector its next assignment. The previous one becomes the latest of the two it held
 * that takes effect before the next one: an assignment superseded before its boundary never
 * applied, so it is dropped.
 */
export function advance(held: HeldAssignments, next: StoredAssignment | null): HeldAssignments {
  if (!next) return { assignment: null, previous: null };
  const starts = Date.parse(next.effectiveFrom);
  const earlier = [held.assignment, held.previous]
    .filter(
      (candidate): candidate is StoredAssignment =>
        !!candidate && Date.parse(candidate.effectiveFrom) < starts,
    )
    .sort((a, b) => Date.parse(b.effectiveFrom) - Date.parse(a.effectiveFrom));
  return { assignment: next, previous: earlier[0] ?? null };
}
