/**
 * The group indices of one vCenter as a list of owners: `slots[i]` is the collector holding index
 * `i`, so indices are dense `0..slots.length-1` by construction and `slots.length` is the group
 * count. A weight-k collector appears k times. Every function returns a new list.
 */
export type GroupSlots = readonly string[];

/** A join appends: the newcomer takes the next `weight` indices and nobody else moves. */
export function appendMember(slots: GroupSlots, collectorId: string, weight: number): string[] {
  return [...slots, ...Array<string>(weight).fill(collectorId)];
}

/**
 * Frees the indices for which `remove` is true and keeps the rest dense by moving the owners of
 * the last indices into the holes (the last slot into the first hole). Only owners that must move
 * do, so a leave disturbs at most as many other collectors as it freed indices.
 */
export function removeSlots(slots: GroupSlots, remove: (index: number) => boolean): string[] {
  const holes = slots.map((_, index) => index).filter(remove);
  const length = slots.length - holes.length;
  const result = slots.slice(0, length);
  const lowHoles = holes.filter((index) => index < length);
  const tail = slots
    .map((_, index) => index)
    .filter((index) => index >= length && !remove(index))
    .reverse();
  lowHoles.forEach((hole, position) => (result[hole] = slots[tail[position]]));
  return result;
}

/** A leave (graceful, drained, expired or moved away) of one or several collectors. */
export function removeMembers(slots: GroupSlots, leaving: ReadonlySet<string>): string[] {
  return removeSlots(slots, (index) => leaving.has(slots[index]));
}

/** More weight appends indices; less frees the collector's highest indices like a leave. */
export function setWeight(slots: GroupSlots, collectorId: string, weight: number): string[] {
  const held = indicesOf(slots).get(collectorId) ?? [];
  if (weight >= held.length) return appendMember(slots, collectorId, weight - held.length);
  const freed = new Set(held.slice(weight));
  return removeSlots(slots, (index) => freed.has(index));
}

/** The newcomer takes over exactly the indices of the collector it replaces. */
export function replaceMember(slots: GroupSlots, oldId: string, newId: string): string[] {
  return slots.map((owner) => (owner === oldId ? newId : owner));
}

/** Reassigns indices in the given member order, each member keeping its weight. */
export function reorderMembers(slots: GroupSlots, order: readonly string[]): string[] {
  const held = indicesOf(slots);
  return order.flatMap((id) => Array<string>(held.get(id)?.length ?? 0).fill(id));
}

/** Each member's indices, ascending, in order of first index. */
export function indicesOf(slots: GroupSlots): Map<string, number[]> {
  const byMember = new Map<string, number[]>();
  slots.forEach((owner, index) => byMember.set(owner, [...(byMember.get(owner) ?? []), index]));
  return byMember;
}

/** Rebuilds the slots from stored indices; refuses anything that is not dense and held once. */
export function slotsFromIndices(
  members: readonly { id: string; groupIndices: readonly number[] }[],
): string[] {
  const slots: string[] = [];
  for (const member of members) {
    for (const index of member.groupIndices) {
      if (slots[index] !== undefined) throw new Error(`group index ${index} is held twice`);
      slots[index] = member.id;
    }
  }
  for (let index = 0; index < slots.length; index++) {
    if (slots[index] === undefined) throw new Error(`group index ${index} is held by nobody`);
  }
  return slots;
}

/**
 * Splits a vCenter's in-flight request budget over the members by indices held: index i gets
 * floor(budget / count) plus one of the remainder while it lasts. Every member gets at least one
 * request, so a budget smaller than the group count is exceeded rather than leaving a member idle.
 */
export function budgetShares(slots: GroupSlots, budget: number): Map<string, number> {
  const shares = new Map<string, number>();
  const base = Math.floor(budget / Math.max(slots.length, 1));
  const remainder = budget % Math.max(slots.length, 1);
  slots.forEach((owner, index) =>
    shares.set(owner, (shares.get(owner) ?? 0) + base + (index < remainder ? 1 : 0)),
  );
  for (const [owner, share] of shares) shares.set(owner, Math.max(share, 1));
  return shares;
}
