import {
  appendMember,
  budgetShares,
  indicesOf,
  removeMembers,
  reorderMembers,
  replaceMember,
  setWeight,
  slotsFromIndices,
  type GroupSlots,
} from './group-slots';

describe('group slots', () => {
  it('appends a joining collector, weight k taking k indices', () => {
    expect(appendMember(['a', 'b'], 'c', 1)).toEqual(['a', 'b', 'c']);
    expect(appendMember(['a'], 'c', 3)).toEqual(['a', 'c', 'c', 'c']);
  });

  it('moves the last member into the hole a leave leaves, and nobody else', () => {
    expect(removeMembers(['a', 'b', 'c', 'd'], new Set(['b']))).toEqual(['a', 'd', 'c']);
    expect(removeMembers(['a', 'b', 'c', 'd'], new Set(['d']))).toEqual(['a', 'b', 'c']);
    expect(removeMembers(['a'], new Set(['a']))).toEqual([]);
  });

  it('fills several holes at once from the end, last slot into the first hole', () => {
    expect(removeMembers(['a', 'b', 'c', 'd', 'e', 'f'], new Set(['a', 'c']))).toEqual(['f', 'b', 'e', 'd']);
    // Holes at the end need no moves.
    expect(removeMembers(['a', 'b', 'c', 'd'], new Set(['c', 'd']))).toEqual(['a', 'b']);
    // A weighted leaver frees all its indices.
    expect(removeMembers(['a', 'b', 'b', 'c', 'd'], new Set(['b']))).toEqual(['a', 'd', 'c']);
  });

  it('changes a weight by appending or by freeing the highest indices', () => {
    expect(setWeight(['a', 'b', 'c'], 'a', 3)).toEqual(['a', 'b', 'c', 'a', 'a']);
    expect(setWeight(['a', 'b', 'c', 'a', 'a'], 'a', 1)).toEqual(['a', 'b', 'c']);
    expect(setWeight(['a', 'a', 'b', 'c'], 'a', 1)).toEqual(['a', 'c', 'b']);
    expect(setWeight(['a', 'b'], 'b', 1)).toEqual(['a', 'b']);
  });

  it('replaces a member in place and reorders by member, keeping weights', () => {
    expect(replaceMember(['a', 'b', 'a'], 'a', 'z')).toEqual(['z', 'b', 'z']);
    expect(reorderMembers(['a', 'b', 'b', 'c'], ['c', 'b', 'a'])).toEqual(['c', 'b', 'b', 'a']);
  });

  it('reads stored indices back and refuses gaps and doubles', () => {
    expect(
      slotsFromIndices([
        { id: 'b', groupIndices: [1, 2] },
        { id: 'a', groupIndices: [0] },
      ]),
    ).toEqual(['a', 'b', 'b']);
    expect(() => slotsFromIndices([{ id: 'a', groupIndices: [0, 2] }])).toThrow(
      'group index 1 is held by nobody',
    );
    expect(() =>
      slotsFromIndices([
        { id: 'a', groupIndices: [0] },
        { id: 'b', groupIndices: [0] },
      ]),
    ).toThrow('group index 0 is held twice');
  });

  it('keeps indices dense and each member holding its weight through any sequence of changes', () => {
    // A deterministic pseudo-random walk over joins, leaves, weight changes, replacements and reorders.
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let slots: GroupSlots = [];
    const weights = new Map<string, number>();
    let next = 0;
    for (let step = 0; step < 2000; step++) {
      const members = [...weights.keys()];
      const action = members.length === 0 ? 0 : random(5);
      if (action === 0) {
        const id = `c${next++}`;
        weights.set(id, 1 + random(3));
        slots = appendMember(slots, id, weights.get(id)!);
      } else if (action === 1) {
        const leaving = new Set(members.filter(() => random(4) === 0));
        slots = removeMembers(slots, leaving);
        leaving.forEach((id) => weights.delete(id));
      } else if (action === 2) {
        const id = members[random(members.length)];
        weights.set(id, 1 + random(4));
        slots = setWeight(slots, id, weights.get(id)!);
      } else if (action === 3) {
        const id = members[random(members.length)];
        const newcomer = `c${next++}`;
        slots = replaceMember(slots, id, newcomer);
        weights.set(newcomer, weights.get(id)!);
        weights.delete(id);
      } else {
        slots = reorderMembers(
          slots,
          [...members].sort(() => random(3) - 1),
        );
      }
      const held = indicesOf(slots);
      expect(slots.length).toBe([...weights.values()].reduce((sum, w) => sum + w, 0));
      expect(new Set(held.keys())).toEqual(new Set(weights.keys()));
      for (const [id, weight] of weights) expect(held.get(id)).toHaveLength(weight);
      expect(slotsFromIndices([...held].map(([id, groupIndices]) => ({ id, groupIndices })))).toEqual(slots);
    }
  });
});

describe('budgetShares', () => {
  it('splits the budget by indices held and sums to the budget when it covers every index', () => {
    expect(budgetShares(['a', 'b', 'b', 'c'], 10)).toEqual(
      new Map([
        ['a', 3],
        ['b', 5],
        ['c', 2],
      ]),
    );
  });

  it('gives every member at least one request when the budget is smaller than the group', () => {
    expect(budgetShares(['a', 'b', 'c'], 2)).toEqual(
      new Map([
        ['a', 1],
        ['b', 1],
        ['c', 1],
      ]),
    );
  });
});
