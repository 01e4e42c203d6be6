import { currentDay, jobLocks, previousDay, previousMonth } from './job';

const vc1 = '11111111-1111-1111-1111-111111111111';
const vc2 = '22222222-2222-2222-2222-222222222222';

describe('jobLocks', () => {
  const conflict = (a: ReturnType<typeof jobLocks>, b: ReturnType<typeof jobLocks>): boolean =>
    a.exclusive.some((key) => b.exclusive.includes(key) || b.shared.includes(key)) ||
    b.exclusive.some((key) => a.shared.includes(key));

  it('keeps the same job, and a job for all vCenters beside one for a single vCenter, apart', () => {
    const all = jobLocks({ type: 'daily', period: '2026-11-28', vcenterId: null });
    const one = jobLocks({ type: 'daily', period: '2026-11-28', vcenterId: vc1 });
    const other = jobLocks({ type: 'daily', period: '2026-11-28', vcenterId: vc2 });
    expect(conflict(all, all)).toBe(true);
    expect(conflict(one, one)).toBe(true);
    expect(conflict(all, one)).toBe(true);
    expect(conflict(one, all)).toBe(true);
    expect(conflict(one, other)).toBe(false);
  });

  it('lets other days, and months other than their own, run beside a day', () => {
    const day = jobLocks({ type: 'daily', period: '2026-11-28', vcenterId: null });
    expect(conflict(day, jobLocks({ type: 'daily', period: '2026-11-27', vcenterId: null }))).toBe(false);
    expect(conflict(day, jobLocks({ type: 'monthly', period: '2026-10', vcenterId: null }))).toBe(false);
    expect(conflict(day, jobLocks({ type: 'retention', period: '2026-11-28', vcenterId: null }))).toBe(false);
  });

  it('never sums a month while one of its days is being replaced, for any vCenter', () => {
    const month = jobLocks({ type: 'monthly', period: '2026-11', vcenterId: null });
    expect(conflict(month, jobLocks({ type: 'daily', period: '2026-11-28', vcenterId: null }))).toBe(true);
    expect(conflict(month, jobLocks({ type: 'daily', period: '2026-11-01', vcenterId: vc2 }))).toBe(true);
    expect(
      conflict(
        jobLocks({ type: 'monthly', period: '2026-11', vcenterId: vc1 }),
        jobLocks({ type: 'monthly', period: '2026-11', vcenterId: vc2 }),
      ),
    ).toBe(true);
  });

  it('never writes a report while its period is replaced for every vCenter, nor the same report twice', () => {
    const report = jobLocks({ type: 'report', period: '2026-11-28', vcenterId: null });
    expect(conflict(report, jobLocks({ type: 'daily', period: '2026-11-28', vcenterId: null }))).toBe(true);
    expect(conflict(report, report)).toBe(true);
    expect(conflict(report, jobLocks({ type: 'daily', period: '2026-11-27', vcenterId: null }))).toBe(false);
    expect(conflict(report, jobLocks({ type: 'report', period: '2026-11-28', vcenterId: vc1 }))).toBe(false);
    const monthly = jobLocks({ type: 'report', period: '2026-11', vcenterId: vc1 });
    expect(conflict(monthly, jobLocks({ type: 'monthly', period: '2026-11', vcenterId: null }))).toBe(true);
    expect(conflict(monthly, jobLocks({ type: 'daily', period: '2026-11-28', vcenterId: null }))).toBe(false);
  });

  it('runs one retention at a time whatever day it was asked on', () => {
    expect(
      conflict(
        jobLocks({ type: 'retention', period: '2026-11-28', vcenterId: null }),
        jobLocks({ type: 'retention', period: '2026-11-29', vcenterId: null }),
      ),
    ).toBe(true);
  });
});

describe('calendar periods in a time zone', () => {
  // 23:30 UTC on the last day of November is already 1 December in Berlin.
  const now = new Date('2026-11-30T23:30:00Z');

  it('takes today, yesterday and last month in the configured zone', () => {
    expect(currentDay(now, 'UTC')).toBe('2026-11-30');
    expect(previousDay(now, 'UTC')).toBe('2026-11-29');
    expect(previousMonth(now, 'UTC')).toBe('2026-10');
    expect(currentDay(now, 'Europe/Berlin')).toBe('2026-12-01');
    expect(previousDay(now, 'Europe/Berlin')).toBe('2026-11-30');
    expect(previousMonth(now, 'Europe/Berlin')).toBe('2026-11');
  });

  it('crosses year ends', () => {
    const newYear = new Date('2027-01-01T05:00:00Z');
    expect(previousDay(newYear, 'UTC')).toBe('2026-12-31');
    expect(previousMonth(newYear, 'UTC')).toBe('2026-12');
    expect(previousDay(newYear, 'America/Los_Angeles')).toBe('2026-12-30');
  });
});
