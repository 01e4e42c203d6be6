import { firstKeyTooFarAhead, ingestWindow, inWindow } from './ingest-window';

describe('ingestWindow', () => {
  const now = new Date('2026-11-29T09:30:00Z');
  const window = ingestWindow(now, 35, 15);

  it('spans the configured days back and minutes ahead of now', () => {
    expect(window).toEqual({
      from: new Date('2026-10-25T09:30:00Z'),
      to: new Date('2026-11-29T09:45:00Z'),
    });
  });

  it('takes its edges and refuses anything beyond them', () => {
    expect(inWindow(new Date('2026-10-25T09:30:00Z'), window)).toBe(true);
    expect(inWindow(new Date('2026-11-29T09:45:00Z'), window)).toBe(true);
    expect(inWindow(new Date('2026-10-25T09:29:59.999Z'), window)).toBe(false);
    expect(inWindow(new Date('2026-11-29T09:45:00.001Z'), window)).toBe(false);
    expect(inWindow(new Date('1970-01-01T00:00:00Z'), window)).toBe(false);
  });
});

describe('firstKeyTooFarAhead', () => {
  it('finds the first key more than the bound ahead of the stored last key', () => {
    expect(firstKeyTooFarAhead([101, 1100, 1101, 5], 100, 1000)).toBe(2);
    expect(firstKeyTooFarAhead([101, 1100], 100, 1000)).toBe(-1);
    expect(firstKeyTooFarAhead([2_147_483_647], 100, 1_000_000)).toBe(0);
  });

  it('has nothing to compare with before the first stored event', () => {
    expect(firstKeyTooFarAhead([2_147_483_647], null, 1000)).toBe(-1);
  });
});
