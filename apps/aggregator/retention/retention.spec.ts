import { RetentionConfig } from '@vcc/config';
import { monthStartUtc, retentionCuts } from './retention';

describe('retentionCuts', () => {
  const retention = Object.assign(new RetentionConfig(), { hourlyDays: 60, dailyMonths: 12, eventDays: 90 });

  it('counts hourly and event days back from now, and daily months back from the current month', () => {
    const cuts = retentionCuts(new Date('2026-11-29T12:00:00Z'), retention, '2026-11');
    expect(cuts).toEqual({
      hourly: new Date('2026-09-30T12:00:00Z'),
      events: new Date('2026-08-31T12:00:00Z'),
      dailyFrom: '2025-11-01',
    });
  });

  it('takes the current month from the chargeback time zone, not UTC', () => {
    // 23:30 UTC on 30 November is December in Berlin: twelve months before December.
    expect(retentionCuts(new Date('2026-11-30T23:30:00Z'), retention, '2026-12').dailyFrom).toBe(
      '2025-12-01',
    );
  });

  it('keeps registry rows from the first of the month the hourly cut falls in', () => {
    expect(monthStartUtc(new Date('2026-09-30T12:00:00Z'))).toEqual(new Date('2026-09-01T00:00:00Z'));
  });
});
