import type { Client } from 'pg';
import type { RunningApp } from '../support/apps';
import type { TestDatabase } from '../support/postgres';
import { client, connect, type ControllerClient } from '../controller/controller-harness';
import { eventually, jobEnd, startAggregator, type JobBody } from '../aggregator/aggregator-harness';
import {
  addHost,
  addSnapshots,
  addVcenter,
  addVm,
  chargebackDatabase,
  dump,
  hoursOf,
} from '../aggregator/chargeback-fixtures';

const VC = 'eeeeeeee-0000-4000-8000-000000000012';
const now = new Date();
/** Last month, whole and in the past, with two days of hourly snapshots. */
const MONTH = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
const DAYS = [`${MONTH}-01`, `${MONTH}-02`];
const VMS = 150;
const HOSTS = 6;
/** A daily job writes a summary row per VM and a core-count row per ESXi host (node_daily_summary). */
const DAILY_ROWS = VMS + HOSTS;

/**
 * Issue 16, item 12: an aggregator SIGKILLed in the middle of a daily and of a monthly job, then
 * the jobs run again, and once more: the summaries are exactly those of an undisturbed run. A test
 * session holds a lock every job needs inside its transaction (the totals cache), so the kill
 * lands deterministically after the job has begun replacing the period's rows.
 */
describe('reliability: aggregation killed mid-run', () => {
  let database: TestDatabase;
  let db: Client;
  let locker: Client;
  let aggregator: RunningApp;
  let api: ControllerClient;
  const env = { VCC_SCHEDULE_ENABLED: 'false' };

  beforeAll(async () => {
    ({ database, client: db } = await chargebackDatabase([MONTH]));
    locker = await connect(database.url);
    await addVcenter(db, VC, 'vc-aggregation');
    const hours = DAYS.flatMap((day) => hoursOf(day));
    await addSnapshots(db, VC, hours);
    for (let vm = 0; vm < VMS; vm++)
      await addVm(db, VC, hours, {
        moref: `vm-${vm}`,
        vcpus: 1 + (vm % 8),
        memory_mb: 1024 * (1 + (vm % 5)),
        provisioned_disk_gb: 10 * (vm % 7),
        resource_pool_name: ['Tin', 'Bronze', 'Silver', 'Gold', null][vm % 5],
        cluster_name: `cluster-${vm % 3}`,
        // Some VMs only part of the time, so that the summaries are not all alike.
        power_state: vm % 11 === 0 ? 'poweredOff' : 'poweredOn',
      });
    for (let host = 0; host < HOSTS; host++)
      await addHost(db, VC, hours, {
        moref: `host-${host}`,
        cluster_name: `cluster-${host % 3}`,
        cpu_cores: 16,
        memory_mb: 262_144,
      });
    aggregator = await startAggregator(database.url, env);
    api = client(aggregator.url);
  });

  afterAll(async () => {
    await locker?.query('ROLLBACK').catch(() => undefined);
    await locker?.end();
    await db?.end();
    await aggregator?.stop();
    await database?.drop();
  });

  /** Every table the jobs write, one line per row in a stable order. */
  async function summaries(): Promise<Record<string, string>> {
    const tables = (
      await db.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND (c.relname LIKE 'chargeback\\_%' OR c.relname = 'node_daily_summary')
            AND c.relkind IN ('r', 'p')
            AND NOT c.relispartition ORDER BY 1`,
      )
    ).rows.map((row) => row.name);
    const dumps: Record<string, string> = {};
    for (const table of tables) dumps[table] = await dump(db, table, 't::text');
    return dumps;
  }

  async function run(body: Record<string, string>): Promise<JobBody> {
    const reply = await api.post('/api/v1/aggregations', body);
    expect(reply.status).toBe(202);
    return jobEnd(api, reply.body.id, 120_000);
  }

  const daily = (date: string) => ({ type: 'daily', date });
  const monthly = { type: 'monthly', month: MONTH };

  /** Starts the job with the totals cache locked, SIGKILLs the aggregator while the job waits inside its transaction, and starts a new one. */
  async function killedMidRun(body: Record<string, string>): Promise<JobBody> {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE chargeback_totals IN SHARE MODE');
    const reply = await api.post('/api/v1/aggregations', body);
    expect(reply.status).toBe(202);
    await eventually(
      async () => {
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks
          WHERE NOT granted AND locktype = 'relation' AND relation = 'chargeback_totals'::regclass
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        );
        return rows[0].n === 1;
      },
      `job ${reply.body.id} blocked inside its transaction`,
      60_000,
    );
    aggregator.process.child.kill('SIGKILL');
    await aggregator.process.exited;
    await locker.query('COMMIT');
    aggregator = await startAggregator(database.url, env);
    api = client(aggregator.url);
    return jobEnd(api, reply.body.id, 60_000);
  }

  it('leaves no trace of the killed jobs, and their re-runs equal an undisturbed run', async () => {
    for (const day of DAYS)
      expect(await run(daily(day))).toMatchObject({ state: 'succeeded', rows: DAILY_ROWS });
    expect(await run(monthly)).toMatchObject({ state: 'succeeded', rows: VMS });
    const undisturbed = await summaries();
    const rows = Object.values(undisturbed).reduce((n, text) => n + text.split('\n').length, 0);

    await db.query(`TRUNCATE ${Object.keys(undisturbed).join(', ')}`);
    const empty = await summaries();
    const killedDaily = await killedMidRun(daily(DAYS[0]));
    expect(killedDaily).toMatchObject({ state: 'failed', error: expect.stringMatching(/^interrupted/) });
    const afterDailyKill = await summaries();
    for (const day of DAYS)
      expect(await run(daily(day))).toMatchObject({ state: 'succeeded', rows: DAILY_ROWS });

    const beforeMonthly = await summaries();
    const killedMonthly = await killedMidRun(monthly);
    expect(killedMonthly).toMatchObject({ state: 'failed', error: expect.stringMatching(/^interrupted/) });
    const afterMonthlyKill = await summaries();
    expect(await run(monthly)).toMatchObject({ state: 'succeeded', rows: VMS });
    const rerun = await summaries();
    // And once more for the same day and month.
    expect(await run(daily(DAYS[0]))).toMatchObject({ state: 'succeeded', rows: DAILY_ROWS });
    expect(await run(monthly)).toMatchObject({ state: 'succeeded', rows: VMS });
    const again = await summaries();

    const differences = (a: Record<string, string>, b: Record<string, string>): number =>
      Object.keys({ ...a, ...b }).reduce((n, table) => {
        const left = new Set((a[table] ?? '').split('\n'));
        const right = new Set((b[table] ?? '').split('\n'));
        return (
          n +
          [...left].filter((line) => !right.has(line)).length +
          [...right].filter((line) => !left.has(line)).length
        );
      }, 0);
    process.stdout.write(
      `aggregation: daily job ${killedDaily.id} and monthly job ${killedMonthly.id} SIGKILLed mid-run; ` +
        `${rows} summary rows compared, differences from the undisturbed run: ${differences(rerun, undisturbed)} after the re-run, ` +
        `${differences(again, undisturbed)} after another; left behind by the kills: ${differences(afterDailyKill, empty) + differences(afterMonthlyKill, beforeMonthly)}\n`,
    );
    expect(afterDailyKill).toEqual(empty);
    expect(afterMonthlyKill).toEqual(beforeMonthly);
    expect(rerun).toEqual(undisturbed);
    expect(again).toEqual(undisturbed);
    // Three aggregator starts and eight jobs: a loaded 2-core machine needs more than the default.
  }, 300_000);
});
