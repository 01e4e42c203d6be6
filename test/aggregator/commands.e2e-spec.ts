import type { Client } from 'pg';
import { createMonthlyPartition, listPartitions, monthlyPartition } from '@vcc/database';
import { parseLogLines, runApp } from '../support/apps';
import type { TestDatabase } from '../support/postgres';
import { aggregatorEnv, jobRows } from './aggregator-harness';
import {
  addEvent,
  addSnapshots,
  addVcenter,
  addVm,
  chargebackDatabase,
  hoursOf,
} from './chargeback-fixtures';

const VC = 'dddddddd-0000-4000-8000-000000000001';
const DAY_MS = 86_400_000;
const now = new Date();

/** The first day of the month `back` months before the current one (UTC), as YYYY-MM. */
function monthBack(back: number): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
}
const tenth = (month: string): Date => new Date(`${month}-10T12:00:00Z`);
/** The retention rule as the README states it: a month goes once its last instant is older than the cut. */
const expired = (month: string, cut: Date): boolean =>
  monthlyPartition('x', new Date(`${month}-01T00:00:00Z`)).to.getTime() <= cut.getTime();

describe('aggregator retention command', () => {
  let database: TestDatabase;
  let db: Client;
  const hourlyMonths = [0, 1, 2, 3, 4, 5, 6].map(monthBack);
  const dailyMonths = [0, 11, 12, 13, 14].map(monthBack);

  beforeAll(async () => {
    ({ database, client: db } = await chargebackDatabase(hourlyMonths));
    await addVcenter(db, VC, 'vc-retention');
    for (const month of hourlyMonths) {
      await addSnapshots(db, VC, [tenth(month)]);
      await addVm(db, VC, [tenth(month)], { moref: `vm-${month}` });
      await addEvent(db, VC, 'VmPoweredOnEvent', tenth(month).toISOString(), { moref: `vm-${month}` });
      await db.query(
        `INSERT INTO chargeback_totals (kind, vcenter_id, period_start, samples, vms, vcpus, ram_gb, disk_gb, tin, bronze, silver, gold, templates)
         VALUES ('hourly', $1, $2, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0)`,
        [VC, tenth(month)],
      );
    }
    for (const month of dailyMonths) {
      await createMonthlyPartition(
        db,
        'chargeback_daily',
        monthlyPartition('chargeback_daily', new Date(`${month}-01T00:00:00Z`)),
      );
      await db.query(
        `INSERT INTO chargeback_totals (kind, vcenter_id, period_start, samples, vms, vcpus, ram_gb, disk_gb, tin, bronze, silver, gold, templates)
         VALUES ('daily', $1, $2, 24, 1, 1, 1, 1, 0, 0, 0, 0, 0), ('monthly', $1, $3, 744, 1, 1, 1, 1, 0, 0, 0, 0, 0)`,
        [VC, `${month}-10T00:00:00Z`, `${month}-01T00:00:00Z`],
      );
      await db.query(
        `INSERT INTO chargeback_cluster_daily VALUES ($1, $2, 'c1', 1, 24, 8, 64, 2, 4, 6, 60, false, 0)`,
        [VC, `${month}-10`],
      );
    }
  });

  afterAll(async () => {
    await db?.end();
    await database?.drop();
  });

  it('drops exactly the expired partitions and the rows that went with them, keeping monthly history', async () => {
    const hourlyCut = new Date(Date.now() - 60 * DAY_MS);
    const eventCut = new Date(Date.now() - 90 * DAY_MS);
    const goneHourly = hourlyMonths.filter((month) => expired(month, hourlyCut)).sort();
    const goneEvents = hourlyMonths.filter((month) => expired(month, eventCut)).sort();
    // Whatever today is, the month before last is kept and the one four months back is not.
    expect(goneHourly).toContain(monthBack(4));
    expect(goneHourly).not.toContain(monthBack(1));
    expect(goneEvents).toContain(monthBack(5));

    const result = await runApp('aggregator', ['retention'], aggregatorEnv(database.url));
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });

    const partitions = async (table: string): Promise<string[]> => (await listPartitions(db, table)).sort();
    const kept = (table: string, months: string[], gone: string[]): string[] =>
      months
        .filter((month) => !gone.includes(month))
        .map((month) => monthlyPartition(table, new Date(`${month}-01T00:00:00Z`)).name)
        .sort();
    expect(await partitions('inventory_vm')).toEqual(
      expect.arrayContaining(kept('inventory_vm', hourlyMonths, goneHourly)),
    );
    expect(
      (await partitions('inventory_vm')).filter((name) =>
        goneHourly.some((month) => name.endsWith(month.replace('-', ''))),
      ),
    ).toEqual([]);
    expect(
      (await partitions('inventory_host')).filter((name) =>
        goneHourly.some((month) => name.endsWith(month.replace('-', ''))),
      ),
    ).toEqual([]);
    expect(await partitions('vcenter_event')).toEqual(kept('vcenter_event', hourlyMonths, goneEvents));
    // Twelve whole months before the current one are kept.
    expect(await partitions('chargeback_daily')).toEqual(
      kept('chargeback_daily', dailyMonths, [monthBack(13), monthBack(14)]),
    );

    // The registry lists exactly the snapshots whose rows are still there.
    const registry = (
      await db.query(`SELECT to_char(snapshot_time, 'YYYY-MM') AS month FROM inventory_snapshot ORDER BY 1`)
    ).rows.map((row) => row.month);
    expect(registry).toEqual(hourlyMonths.filter((month) => !goneHourly.includes(month)).sort());
    const vms = (
      await db.query(`SELECT to_char(snapshot_time, 'YYYY-MM') AS month FROM inventory_vm ORDER BY 1`)
    ).rows.map((row) => row.month);
    expect(vms).toEqual(registry);
    const totals = (
      await db.query(
        `SELECT kind, to_char(period_start, 'YYYY-MM') AS month FROM chargeback_totals ORDER BY 1, 2`,
      )
    ).rows;
    expect(totals).toEqual([
      ...[monthBack(12), monthBack(11), monthBack(0)].map((month) => ({ kind: 'daily', month })),
      ...registry.map((month) => ({ kind: 'hourly', month })),
      ...[...dailyMonths].sort().map((month) => ({ kind: 'monthly', month })),
    ]);
    const clusterDays = (
      await db.query(`SELECT to_char(day, 'YYYY-MM') AS month FROM chargeback_cluster_daily ORDER BY 1`)
    ).rows.map((row) => row.month);
    expect(clusterDays).toEqual([monthBack(12), monthBack(11), monthBack(0)]);

    // Rows deleted: registry rows and hourly totals of the dropped months, two daily totals, two cluster days.
    const jobs = await jobRows(db);
    expect(jobs.map(({ type, state, requested_by, rows }) => ({ type, state, requested_by, rows }))).toEqual([
      {
        type: 'retention',
        state: 'succeeded',
        requested_by: 'retention command',
        rows: 2 * goneHourly.length + 4,
      },
    ]);
    const messages = parseLogLines(result.stdout).map((line) => line.message);
    expect(messages).toContain(
      `retention: dropped ${[
        ...goneHourly.map(
          (month) => monthlyPartition('inventory_vm', new Date(`${month}-01T00:00:00Z`)).name,
        ),
        ...goneHourly.map(
          (month) => monthlyPartition('inventory_host', new Date(`${month}-01T00:00:00Z`)).name,
        ),
        ...goneEvents.map(
          (month) => monthlyPartition('vcenter_event', new Date(`${month}-01T00:00:00Z`)).name,
        ),
        ...[14, 13].map(
          (back) => monthlyPartition('chargeback_daily', new Date(`${monthBack(back)}-01T00:00:00Z`)).name,
        ),
      ].join(', ')}; deleted ${2 * goneHourly.length + 4} rows of older snapshots, totals and cluster days`,
    );

    // Run again: nothing more to do.
    const again = await runApp('aggregator', ['retention'], aggregatorEnv(database.url));
    expect(again.code).toBe(0);
    expect(parseLogLines(again.stdout).map((line) => line.message)).toContain(
      'retention: dropped no partition; deleted 0 rows of older snapshots, totals and cluster days',
    );
  });
});

describe('aggregator backfill command', () => {
  let database: TestDatabase;
  let db: Client;
  const lastMonth = monthBack(1);
  const days = [`${lastMonth}-03`, `${lastMonth}-04`, `${monthBack(0)}-01`].filter(
    (day) => day < now.toISOString().slice(0, 10),
  );

  beforeAll(async () => {
    ({ database, client: db } = await chargebackDatabase([lastMonth, monthBack(0)]));
    await addVcenter(db, VC, 'vc-backfill');
    for (const day of days) {
      await addSnapshots(db, VC, hoursOf(day));
      for (const moref of ['vm-a', 'vm-b']) await addVm(db, VC, hoursOf(day), { moref });
    }
  });

  afterAll(async () => {
    await db?.end();
    await database?.drop();
  });

  it('aggregates every day with snapshots and every past month, logging progress', async () => {
    const result = await runApp('aggregator', ['backfill'], aggregatorEnv(database.url));
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const jobs = (await jobRows(db)).map(({ type, period, state, requested_by, rows }) => ({
      type,
      period,
      state,
      requested_by,
      rows,
    }));
    expect(jobs).toEqual([
      {
        type: 'backfill',
        period: `${days[0]}..${days.at(-1)}`,
        state: 'succeeded',
        requested_by: 'backfill command',
        rows: 2 * days.length + 2,
      },
      ...days.map((period) => ({
        type: 'daily',
        period,
        state: 'succeeded',
        requested_by: 'backfill',
        rows: 2,
      })),
      { type: 'monthly', period: lastMonth, state: 'succeeded', requested_by: 'backfill', rows: 2 },
    ]);
    expect(
      (await db.query(`SELECT count(*)::int AS n FROM chargeback_totals WHERE kind = 'daily'`)).rows[0].n,
    ).toBe(days.length);
    const messages = parseLogLines(result.stdout).map((line) => String(line.message));
    const steps = days.length + 1;
    expect(
      messages.filter((message) => /^\d+\/\d+ done/.test(message)).map((message) => message.split(' (')[0]),
    ).toEqual(Array.from({ length: steps }, (_, i) => `${i + 1}/${steps} done`));
    expect(messages).toContainEqual(
      expect.stringMatching(
        new RegExp(`^backfill done: ${steps} jobs, ${2 * days.length + 2} rows in \\d+\\.\\d s$`),
      ),
    );
  });
});

describe('aggregator configuration', () => {
  it('refuses a pool too small to hold the owner lock beside a job, before touching the database', async () => {
    const result = await runApp('aggregator', [], {
      VCC_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      VCC_DATABASE_POOL_SIZE: '3',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('database.poolSize: the aggregator needs at least 4 connections');
  });
});
