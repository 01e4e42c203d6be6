import { expiredMonthlyPartitions, monthlyPartition, planMonthlyPartitions } from './partitions';

describe('monthlyPartition', () => {
  it('names the partition by year and month and bounds it by whole UTC months', () => {
    expect(monthlyPartition('events', new Date('2026-12-17T23:59:00Z'))).toEqual({
      name: 'events_p202612',
      from: new Date('2026-12-01T00:00:00Z'),
      to: new Date('2027-01-01T00:00:00Z'),
    });
  });
});

describe('planMonthlyPartitions', () => {
  const now = new Date('2026-11-23T10:00:00Z');

  it('creates the current month and the months ahead that are missing', () => {
    const plan = planMonthlyPartitions('snap', ['snap_p202611'], { monthsAhead: 2, retentionMonths: 3, now });
    expect(plan.create.map((p) => p.name)).toEqual(['snap_p202612', 'snap_p202701']);
    expect(plan.drop).toEqual([]);
  });

  it('drops partitions older than the retention and keeps the rest, ignoring foreign names', () => {
    const existing = [
      'snap_p202607',
      'snap_p202608',
      'snap_p202609',
      'snap_p202611',
      'snap_default',
      'snap_archive',
    ];
    const plan = planMonthlyPartitions('snap', existing, { monthsAhead: 0, retentionMonths: 2, now });
    expect(plan.drop).toEqual(['snap_p202607', 'snap_p202608']);
    expect(plan.create).toEqual([]);
  });

  it('keeps only the current month with zero retention', () => {
    const plan = planMonthlyPartitions('snap', ['snap_p202610', 'snap_p202611'], {
      monthsAhead: 0,
      retentionMonths: 0,
      now,
    });
    expect(plan.drop).toEqual(['snap_p202610']);
  });
});

describe('expiredMonthlyPartitions', () => {
  const existing = ['vm_p202612', 'vm_p202609', 'vm_p202610', 'vm_p202611', 'vm_default', 'vmx_p202601'];

  it('lists the months that end at or before the cut, oldest first', () => {
    // 60 days before 2026-11-29T12:00Z: September still holds 12 hours that are kept.
    expect(expiredMonthlyPartitions('vm', existing, new Date('2026-09-30T12:00:00Z'))).toEqual([]);
    expect(expiredMonthlyPartitions('vm', existing, new Date('2026-10-01T00:00:00Z'))).toEqual([
      'vm_p202609',
    ]);
    expect(expiredMonthlyPartitions('vm', existing, new Date('2026-10-31T23:59:59Z'))).toEqual([
      'vm_p202609',
    ]);
    expect(expiredMonthlyPartitions('vm', existing, new Date('2026-12-01T00:00:00Z'))).toEqual([
      'vm_p202609',
      'vm_p202610',
      'vm_p202611',
    ]);
  });
});
