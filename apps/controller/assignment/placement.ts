/** An enabled vCenter a new collector could join. */
export interface PlacementCandidate {
  id: string;
  name: string;
  /** Sum of the members' weights (the group count). */
  weight: number;
  /** Entities the members were assigned in their last reported cycles. */
  entities: number;
}

/**
 * Where a newcomer goes: a vCenter without members first, else the one with the most entities per
 * group index; ties go to the smaller group, then the name.
 */
export function chooseVcenter(candidates: readonly PlacementCandidate[]): PlacementCandidate | undefined {
  const load = (c: PlacementCandidate): number => (c.weight === 0 ? Infinity : c.entities / c.weight);
  return [...candidates].sort(
    (a, b) => load(b) - load(a) || a.weight - b.weight || a.name.localeCompare(b.name),
  )[0];
}
