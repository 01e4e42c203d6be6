import { chooseVcenter } from './placement';

describe('chooseVcenter', () => {
  it('prefers a vCenter without members', () => {
    expect(
      chooseVcenter([
        { id: '1', name: 'busy', weight: 2, entities: 90_000 },
        { id: '2', name: 'empty', weight: 0, entities: 0 },
      ])?.name,
    ).toBe('empty');
  });

  it('then the one with the most entities per group index', () => {
    expect(
      chooseVcenter([
        { id: '1', name: 'a', weight: 4, entities: 8000 },
        { id: '2', name: 'b', weight: 2, entities: 6000 },
      ])?.name,
    ).toBe('b');
  });

  it('breaks ties by the smaller group, then the name', () => {
    expect(
      chooseVcenter([
        { id: '1', name: 'b', weight: 3, entities: 0 },
        { id: '2', name: 'c', weight: 2, entities: 0 },
        { id: '3', name: 'a', weight: 2, entities: 0 },
      ])?.name,
    ).toBe('a');
  });

  it('has nothing to offer without candidates', () => {
    expect(chooseVcenter([])).toBeUndefined();
  });
});
