import type { Client } from 'pg';
import { createMonthlyPartition, monthlyPartition } from '@vcc/database';
import { JOB_OWNER_LOCK_CLASS } from '../../apps/aggregator/jobs/job.repository';
import type { RunningApp } from '../support/apps';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { client, connect, startController, type ControllerClient } from '../controller/controller-harness';
import { eventually, jobEnd, jobRows, startAggregator } from './aggregator-harness';
import { addSnapshots, addVcenter, addVm, dump, hoursOf } from './chargeback-fixtures';

const VC = 'cccccccc-0000-4000-8000-000000000001';
const DAY = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
const DAILY_ORDER = 'vcenter_id, day, moref';

/**
 * Two aggregators and two controllers on one database. A test session holds a lock that every
 * daily job needs late in its transaction (writes to the totals cache), so a job can be caught
 * half done: deterministically, without a test hook in the app.
 */
describe('aggregator replicas and controller replicas on one database', () => {
  let database: TestDatabase;
  let db: Client;
  let locker: Client;
  let controllers: RunningApp[];
  let aggregators: RunningApp[];
  let apis: ControllerClient[];
  let baseline: string;

  const env = { VCC_SCHEDULE_ENABLED: 'false' };

  beforeAll(async () => {
    database = await createTestDatabase();
    // All four start at once and race for the migrations.
    const started = await Promise.all([
      startController(database.url),
      startController(database.url),
      startAggregator(database.url, env),
      startAggregator(database.url, env),
    ]);
    controllers = started.slice(0, 2);
    aggregators = started.slice(2);
    apis = aggregators.map((aggregator) => client(aggregator.url));
    db = await connect(database.url);
    locker = await connect(database.url);
    for (const table of ['inventory_vm', 'inventory_host', 'vcenter_event'])
      await createMonthlyPartition(db, table, monthlyPartition(table, new Date(`${DAY}T00:00:00Z`)));
    await addVcenter(db, VC, 'vc-replicas');
    await addSnapshots(db, VC, hoursOf(DAY));
    for (let vm = 0; vm < 200; vm++)
      await addVm(db, VC, hoursOf(DAY), {
        moref: `vm-${vm}`,
        vcpus: 1 + (vm % 4),
        resource_pool_name: ['Tin', 'Gold', null][vm % 3],
      });
    const first = await apis[0].post('/api/v1/aggregations', { type: 'daily', date: DAY });
    expect(await jobEnd(apis[0], first.body.id)).toMatchObject({ state: 'succeeded', rows: 200 });
    baseline = await dump(db, 'chargeback_daily', DAILY_ORDER);
  });

  afterAll(async () => {
    await locker?.query('ROLLBACK').catch(() => undefined);
    await locker?.end();
    await db?.end();
    for (const app of [...(aggregators ?? []), ...(controllers ?? [])]) await app.stop();
    await database?.drop();
  });

  /** Backends of this database waiting for a lock, by the kind of lock. */
  async function waiting(): Promise<{ advisory: number; totals: number }> {
    const { rows } = await db.query<{ advisory: number; totals: number }>(
      `SELECT count(*) FILTER (WHERE locktype = 'advisory')::int AS advisory,
              count(*) FILTER (WHERE locktype = 'relation' AND relation = 'chargeback_totals'::regclass)::int AS totals
         FROM pg_locks
        WHERE NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    return rows[0];
  }

  it('runs concurrent requests for one day one at a time, the waiting ones queued once', async () => {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE chargeback_totals IN SHARE MODE');
    const replies = await Promise.all(
      [0, 1, 0, 1, 0, 1].map((replica) =>
        apis[replica].post('/api/v1/aggregations', {
          type: 'daily',
          date: DAY,
          ...(replica === 1 ? { vcenter: 'vc-replicas' } : {}),
        }),
      ),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(6).fill(202));
    // One job is inside its transaction, blocked on the test's lock; another replica holds the next
    // job and waits for the advisory lock of the day.
    await eventually(async () => {
      const locks = await waiting();
      return locks.advisory === 1 && locks.totals === 1;
    }, 'one job blocked on the totals table and one on its advisory lock');
    const open = (await jobRows(db)).filter((job) => job.state === 'queued' || job.state === 'running');
    expect(open.filter((job) => job.state === 'running' && job.started_at !== null)).toHaveLength(1);
    // At most one job waits in the queue per type, period and vCenter.
    const queuedKeys = open.filter((job) => job.state === 'queued').map((job) => `${job.vcenter_id}`);
    expect(new Set(queuedKeys).size).toBe(queuedKeys.length);
    // The running job has deleted the day's rows in its transaction; nobody else sees that.
    expect(await dump(db, 'chargeback_daily', DAILY_ORDER)).toBe(baseline);

    await locker.query('COMMIT');
    const ids = [...new Set(replies.map((reply) => String(reply.body.id)))];
    const ended = await Promise.all(ids.map((id) => jobEnd(apis[0], id)));
    expect(ended.map((job) => [job.state, job.rows])).toEqual(ids.map(() => ['succeeded', 200]));
    // Every job of the day (for all vCenters or this one) ran alone: no two intervals overlap.
    const runs = (await jobRows(db))
      .filter((job) => job.type === 'daily' && job.period === DAY)
      .map((job) => ({ id: job.id, from: job.started_at as Date, to: job.finished_at as Date }))
      .sort((a, b) => a.from.getTime() - b.from.getTime());
    expect(runs.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < runs.length; i++)
      expect({ id: runs[i].id, after: runs[i].from >= runs[i - 1].to }).toEqual({
        id: runs[i].id,
        after: true,
      });
    expect(await dump(db, 'chargeback_daily', DAILY_ORDER)).toBe(baseline);
  });

  it('leaves no partial day when the aggregator is killed mid-job, and marks the job failed on restart', async () => {
    // Only the first aggregator runs jobs now.
    expect(await aggregators[1].stop()).toBe(0);
    // New input: a job that got through would change every row.
    await db.query('UPDATE inventory_vm SET vcpus = vcpus + 10 WHERE vcenter_id = $1', [VC]);
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE chargeback_totals IN SHARE MODE');
    const reply = await apis[0].post('/api/v1/aggregations', { type: 'daily', date: DAY });
    await eventually(async () => (await waiting()).totals === 1, 'the job blocked half way');
    aggregators[0].process.child.kill('SIGKILL');
    expect(await aggregators[0].process.exited).toBeNull();
    await locker.query('COMMIT');

    // The killed process's transaction is gone with everything it had written.
    await eventually(
      async () => (await waiting()).totals === 0 && (await waiting()).advisory === 0,
      'no lock waits',
    );
    expect(await dump(db, 'chargeback_daily', DAILY_ORDER)).toBe(baseline);
    expect((await jobRows(db)).find((job) => String(job.id) === reply.body.id)).toMatchObject({
      state: 'running',
    });

    aggregators[0] = await startAggregator(database.url, env);
    apis[0] = client(aggregators[0].url);
    expect(await jobEnd(apis[0], reply.body.id)).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/^interrupted: /),
    });
    expect(aggregators[0].logs().map((line) => line.message)).toContain(
      `job #${reply.body.id} daily ${DAY} (all vCenters) was interrupted (its process stopped): marked failed`,
    );

    // Asked again, it runs to the end, and the new input shows.
    const again = await apis[0].post('/api/v1/aggregations', { type: 'daily', date: DAY });
    expect(await jobEnd(apis[0], again.body.id)).toMatchObject({ state: 'succeeded', rows: 200 });
    expect(await dump(db, 'chargeback_daily', DAILY_ORDER)).not.toBe(baseline);
  });

  it('takes a new owner lock when the connection holding it is lost, and goes on running jobs', async () => {
    const owners = async (): Promise<number[]> =>
      (
        await db.query<{ owner: number }>(
          `SELECT objid::int AS owner FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND classid = $1
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          [JOB_OWNER_LOCK_CLASS],
        )
      ).rows.map((row) => row.owner);
    const [before] = await owners();
    expect(await owners()).toEqual([before]);
    await db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks
        WHERE locktype = 'advisory' AND classid = $1 AND objid = $2
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [JOB_OWNER_LOCK_CLASS, before],
    );
    const [after] = await eventually(async () => {
      const now = await owners();
      return now.length === 1 && now[0] !== before && now;
    }, 'a new owner lock');
    expect(after).toBeGreaterThan(before);
    const reply = await apis[0].post('/api/v1/aggregations', { type: 'daily', date: DAY });
    expect(await jobEnd(apis[0], reply.body.id)).toMatchObject({ state: 'succeeded', rows: 200 });
  });

  it('keeps both controllers serving', async () => {
    for (const controller of controllers) {
      const health = await client(controller.url).get('/health', null);
      expect(health.status).toBe(200);
    }
  });
});
