import { boundaryAtOrAfter, leaseTtlSeconds } from './cycle';

describe('boundaryAtOrAfter', () => {
  it('is a wall-clock multiple of the interval at or after the time', () => {
    expect(boundaryAtOrAfter(Date.parse('2026-11-24T10:00:05Z'), 60)).toBe(
      Date.parse('2026-11-24T10:01:00Z'),
    );
    expect(boundaryAtOrAfter(Date.parse('2026-11-24T10:01:00Z'), 60)).toBe(
      Date.parse('2026-11-24T10:01:00Z'),
    );
    expect(boundaryAtOrAfter(Date.parse('2026-11-24T10:03:00Z'), 300)).toBe(
      Date.parse('2026-11-24T10:05:00Z'),
    );
  });
});

describe('leaseTtlSeconds', () => {
  it('lasts the missed heartbeats', () => {
    expect(leaseTtlSeconds(10, 3)).toBe(30);
  });
});
