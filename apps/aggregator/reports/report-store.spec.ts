import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AggregatorConfig } from '@vcc/config';
import type { VcenterRepository } from '../common/vcenter.repository';
import { parseReportName, reportName, ReportStore } from './report-store';

const VC = '0a1b2c3d-0000-4000-8000-000000000001';

describe('report names', () => {
  it('round-trip type, period and vCenter', () => {
    for (const key of [
      { type: 'daily', period: '2026-11-28', vcenterId: null },
      { type: 'monthly', period: '2026-11', vcenterId: VC },
    ] as const)
      expect(parseReportName(reportName(key))).toEqual(key);
    expect(reportName({ type: 'daily', period: '2026-11-28', vcenterId: VC })).toBe(
      `chargeback-daily-2026-11-28-${VC}.xlsx`,
    );
  });

  it('are nothing else: no paths, other types, suffixes or mixed periods', () => {
    for (const name of [
      '../chargeback-daily-2026-11-28.xlsx',
      '/etc/chargeback-daily-2026-11-28.xlsx',
      'chargeback-daily-2026-11-28.xlsx\0',
      'chargeback-daily-2026-11-28.xlsx/..',
      'chargeback-daily-2026-11.xlsx',
      'chargeback-monthly-2026-11-28.xlsx',
      'chargeback-weekly-2026-11.xlsx',
      'chargeback-daily-2026-11-28-not-a-uuid.xlsx',
      '.chargeback-daily-2026-11-28.xlsx.0a1b2c.tmp',
    ])
      expect([name, parseReportName(name)]).toEqual([name, undefined]);
  });
});

describe('ReportStore', () => {
  let dir: string;
  const names = new Map([[VC, 'vc-one']]);
  const store = (keep: number, maxAgeDays: number): ReportStore => {
    const config = new AggregatorConfig();
    Object.assign(config.reports, { dir, keep, maxAgeDays });
    return new ReportStore(config, { names: async () => names } as unknown as VcenterRepository);
  };
  const now = new Date('2026-11-29T12:00:00Z');
  const daysAgo = (days: number): Date => new Date(now.getTime() - days * 86_400_000);

  /** Report files written `age` days before `now`, and a file that is not a report. */
  async function files(ages: Record<string, number>): Promise<void> {
    for (const [name, age] of Object.entries(ages)) {
      await writeFile(join(dir, name), name);
      await utimes(join(dir, name), daysAgo(age), daysAgo(age));
    }
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vcc-report-store-'));
    await writeFile(join(dir, 'notes.txt'), 'not a report');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lists reports newest first, paginated and filtered, with vCenter names', async () => {
    await files({
      'chargeback-daily-2026-11-27.xlsx': 2,
      [`chargeback-daily-2026-11-28-${VC}.xlsx`]: 1,
      'chargeback-monthly-2026-10.xlsx': 3,
    });
    const first = await store(10, 30).list({ limit: 2, offset: 0 });
    expect(first.items.map((report) => [report.name, report.vcenterName, report.size])).toEqual([
      [`chargeback-daily-2026-11-28-${VC}.xlsx`, 'vc-one', 69],
      ['chargeback-daily-2026-11-27.xlsx', null, 32],
    ]);
    expect(first.nextOffset).toBe(2);
    const monthly = await store(10, 30).list({ type: 'monthly', limit: 10, offset: 0 });
    expect(monthly.items.map((report) => [report.type, report.period])).toEqual([['monthly', '2026-10']]);
    expect(monthly.nextOffset).toBeNull();
  });

  it('finds a report by name: 400 for a name no report has, 404 for one that is not there', async () => {
    await files({ 'chargeback-monthly-2026-10.xlsx': 1 });
    expect(await store(10, 30).file('chargeback-monthly-2026-10.xlsx')).toEqual({
      path: join(dir, 'chargeback-monthly-2026-10.xlsx'),
      size: 31,
    });
    await expect(store(10, 30).file('../notes.txt')).rejects.toMatchObject({ status: 400 });
    await expect(store(10, 30).file('chargeback-monthly-2026-09.xlsx')).rejects.toMatchObject({
      status: 404,
    });
  });

  it('keeps the newest reports.keep and none older than reports.maxAgeDays', async () => {
    await files({
      'chargeback-daily-2026-11-28.xlsx': 1,
      'chargeback-daily-2026-11-27.xlsx': 2,
      'chargeback-daily-2026-11-26.xlsx': 3,
      'chargeback-daily-2026-11-25.xlsx': 4,
      'chargeback-monthly-2026-09.xlsx': 31,
    });
    expect(await store(3, 30).applyRetention(now)).toEqual([
      'chargeback-daily-2026-11-25.xlsx',
      'chargeback-monthly-2026-09.xlsx',
    ]);
    expect((await readdir(dir)).sort()).toEqual([
      'chargeback-daily-2026-11-26.xlsx',
      'chargeback-daily-2026-11-27.xlsx',
      'chargeback-daily-2026-11-28.xlsx',
      'notes.txt',
    ]);
    expect(await store(10, 2).applyRetention(now)).toEqual(['chargeback-daily-2026-11-26.xlsx']);
  });

  it('deletes what a killed writer left behind once it is a day old', async () => {
    await files({
      '.chargeback-daily-2026-11-27.xlsx.0a1b2c3d4e5f.tmp': 2,
      '.chargeback-daily-2026-11-27.xlsx.0a1b2c3d4e5f.tmp.plain': 2,
      '.chargeback-daily-2026-11-28.xlsx.0a1b2c3d4e5f.tmp': 0,
    });
    await store(10, 30).applyRetention(now);
    expect((await readdir(dir)).sort()).toEqual([
      '.chargeback-daily-2026-11-28.xlsx.0a1b2c3d4e5f.tmp',
      'notes.txt',
    ]);
  });

  it('moves a report into place only once written, and leaves nothing when writing fails', async () => {
    const key = { type: 'daily', period: '2026-11-28', vcenterId: null } as const;
    await expect(
      store(10, 30).save(key, async (path) => {
        await writeFile(path, 'half');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(await readdir(dir)).toEqual(['notes.txt']);
    const saved = await store(10, 30).save(key, (path) => writeFile(path, 'whole'));
    expect(saved).toMatchObject({ name: 'chargeback-daily-2026-11-28.xlsx', size: 5 });
    expect((await readdir(dir)).sort()).toEqual(['chargeback-daily-2026-11-28.xlsx', 'notes.txt']);
  });
});
