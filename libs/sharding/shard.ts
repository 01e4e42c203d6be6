/**
 * The shard of an entity: FNV-1a (32-bit) of its moref's UTF-8 bytes, modulo the group count.
 * Every collector and every tool that needs to know who owns an entity must use this function:
 * changing it moves every entity at once. FNV-1a is fast, has no dependencies and spreads
 * vCenter's sequential morefs (vm-1001, vm-1002, …) evenly.
 */
export function shardOf(moref: string, groupCount: number): number {
  if (!Number.isInteger(groupCount) || groupCount < 1)
    throw new Error(`groupCount must be a positive integer, got ${groupCount}`);
  return fnv1a32(moref) % groupCount;
}

/** FNV-1a, 32 bits (offset basis 2166136261, prime 16777619), over UTF-8 bytes. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i];
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Whether this collector, holding `groupIndices` of `groupCount`, owns the entity. */
export function owns(moref: string, groupIndices: readonly number[], groupCount: number): boolean {
  return groupIndices.includes(shardOf(moref, groupCount));
}
