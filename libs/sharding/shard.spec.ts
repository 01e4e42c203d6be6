import { fnv1a32, owns, shardOf } from './shard';

describe('shardOf', () => {
  it('is FNV-1a 32-bit over UTF-8 (published test vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('never changes: these assignments are what running clusters rely on', () => {
    expect(fnv1a32('vm-1042')).toBe(2784920464);
    expect(shardOf('vm-1042', 7)).toBe(4);
    expect(shardOf('vm-1042', 1000)).toBe(464);
    expect(shardOf('vm-1042', 1)).toBe(0);
  });

  it('spreads sequential morefs evenly (each of 4 groups within 5% of a quarter of 20,000 VMs)', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 1; i <= 20_000; i++) counts[shardOf(`vm-${i}`, 4)]++;
    for (const count of counts) expect(Math.abs(count - 5000)).toBeLessThan(250);
  });

  it('gives every entity exactly one owner among the members of a group count', () => {
    const members = [[0], [1, 3], [2]];
    for (let i = 0; i < 1000; i++) {
      const moref = `host-${i}`;
      expect(members.filter((indices) => owns(moref, indices, 4))).toHaveLength(1);
    }
  });

  it('rejects a group count that is not a positive integer', () => {
    expect(() => shardOf('vm-1', 0)).toThrow(/groupCount/);
  });
});
