import { shardOf } from '@vcc/sharding';
import { groupWatermarks, handedOverMarks } from './group-watermarks';

const V = 'vc-1';
const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();
const morefs = Array.from({ length: 40 }, (_, i) => `vm-${1000 + i}`);

describe('handedOverMarks', () => {
  it('gives each entity the newest mark of the groups it falls in, over every group count', () => {
    const marks = [
      // Two collectors under group count 2 reported; then the count became 3 and index 1 reported.
      { vcenterId: V, groupCount: 2, groupIndex: 0, writtenUpTo: iso(1000) },
      { vcenterId: V, groupCount: 2, groupIndex: 1, writtenUpTo: iso(1200) },
      { vcenterId: V, groupCount: 3, groupIndex: 1, writtenUpTo: iso(1100) },
      { vcenterId: 'other', groupCount: 1, groupIndex: 0, writtenUpTo: iso(5000) },
    ];
    const result = handedOverMarks(morefs, marks, V);
    for (const moref of morefs) {
      const expected = Math.max(
        shardOf(moref, 2) === 0 ? 1000 : 1200,
        shardOf(moref, 3) === 1 ? 1100 : -Infinity,
      );
      expect([moref, result.get(moref)]).toEqual([moref, expected]);
    }
    // Both branches are exercised: some entities are raised by the count-3 mark, some are not.
    expect(morefs.some((m) => shardOf(m, 2) === 0 && shardOf(m, 3) === 1)).toBe(true);
    expect(morefs.some((m) => shardOf(m, 2) === 0 && shardOf(m, 3) !== 1)).toBe(true);
  });

  it('leaves out entities no mark covers, and ignores other vCenters', () => {
    const marks = [{ vcenterId: V, groupCount: 2, groupIndex: 0, writtenUpTo: iso(1000) }];
    const result = handedOverMarks(morefs, marks, V);
    expect([...result.keys()].sort()).toEqual(morefs.filter((m) => shardOf(m, 2) === 0).sort());
    expect(handedOverMarks(morefs, marks, 'other').size).toBe(0);
  });
});

describe('groupWatermarks', () => {
  it('reports per group index held the oldest mark of its entities', () => {
    const written = morefs.map((moref, i): [string, number] => [moref, 2000 + i]);
    const result = groupWatermarks(written, { vcenterId: V, groupCount: 3, groupIndices: [0, 2] });
    const oldest = (index: number): number =>
      Math.min(...written.filter(([m]) => shardOf(m, 3) === index).map(([, t]) => t));
    expect(result).toEqual([
      { vcenterId: V, groupCount: 3, groupIndex: 0, writtenUpTo: iso(oldest(0)) },
      { vcenterId: V, groupCount: 3, groupIndex: 2, writtenUpTo: iso(oldest(2)) },
    ]);
  });

  it('does not report a group with an entity of unknown mark', () => {
    const unknown = morefs.find((m) => shardOf(m, 2) === 1)!;
    const written = morefs.map((moref): [string, number | undefined] => [
      moref,
      moref === unknown ? undefined : 3000,
    ]);
    const result = groupWatermarks(written, { vcenterId: V, groupCount: 2, groupIndices: [0, 1] });
    expect(result.map((mark) => mark.groupIndex)).toEqual([0]);
  });
});
