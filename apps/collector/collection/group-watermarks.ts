import type { GroupWatermark } from '@vcc/contract';
import { shardOf } from '@vcc/sharding';

/**
 * Group watermarks: how realtime watermarks outlive the collector that held them. Each collector
 * reports, per group index it holds, the oldest sample time up to which every entity of the group
 * is written; the controller keeps the newest mark per group and group count and hands the marks
 * to every collector of the vCenter with its assignment. An entity falls in one group per group
 * count, and each mark is a lower bound of what was written for it, so its newest mark is one too.
 */

/**
 * Per entity, the newest mark of a group it falls in (epoch seconds); entities no mark covers are
 * left out. The shard is computed once per entity and group count.
 */
export function handedOverMarks(
  morefs: readonly string[],
  marks: readonly GroupWatermark[],
  vcenterId: string,
): Map<string, number> {
  const byCount = new Map<number, Map<number, number>>();
  for (const mark of marks) {
    if (mark.vcenterId !== vcenterId) continue;
    const byIndex = byCount.get(mark.groupCount) ?? new Map<number, number>();
    const time = Date.parse(mark.writtenUpTo) / 1000;
    byIndex.set(mark.groupIndex, Math.max(byIndex.get(mark.groupIndex) ?? -Infinity, time));
    byCount.set(mark.groupCount, byIndex);
  }
  const result = new Map<string, number>();
  if (byCount.size === 0) return result;
  for (const moref of morefs) {
    let newest = -Infinity;
    for (const [count, byIndex] of byCount)
      newest = Math.max(newest, byIndex.get(shardOf(moref, count)) ?? -Infinity);
    if (Number.isFinite(newest)) result.set(moref, newest);
  }
  return result;
}

/**
 * The marks to report for the groups held: per index, the oldest `writtenUpTo` of its entities
 * (epoch seconds; an entity without one holds its group back by leaving it unreported, since
 * nothing is known of it).
 */
export function groupWatermarks(
  entities: Iterable<[moref: string, writtenUpTo: number | undefined]>,
  held: { vcenterId: string; groupCount: number; groupIndices: readonly number[] },
): GroupWatermark[] {
  const oldest = new Map<number, number>();
  const unknown = new Set<number>();
  for (const [moref, writtenUpTo] of entities) {
    const index = shardOf(moref, held.groupCount);
    if (!held.groupIndices.includes(index)) continue;
    if (writtenUpTo === undefined) unknown.add(index);
    else oldest.set(index, Math.min(oldest.get(index) ?? Infinity, writtenUpTo));
  }
  return [...oldest]
    .filter(([index]) => !unknown.has(index))
    .sort(([a], [b]) => a - b)
    .map(([groupIndex, time]) => ({
      vcenterId: held.vcenterId,
      groupCount: held.groupCount,
      groupIndex,
      writtenUpTo: new Date(time * 1000).toISOString(),
    }));
}
