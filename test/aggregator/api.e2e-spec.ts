import type { Client } from 'pg';
import type { RunningApp } from '../support/apps';
import type { TestDatabase } from '../support/postgres';
import {
  client,
  TOKENS,
  type ControllerClient,
  type Reply,
  type Role,
} from '../controller/controller-harness';
import { eventually, jobEnd, jobRows, startAggregator } from './aggregator-harness';
import { addSnapshots, addVcenter, addVm, chargebackDatabase, dump, hoursOf } from './chargeback-fixtures';

const VC = 'bbbbbbbb-0000-4000-8000-000000000001';
const DAY_MS = 86_400_000;
const isoDay = (time: number): string => new Date(time).toISOString().slice(0, 10);

// Days relative to now (the aggregator's time zone is UTC): the 14th of last month, which only the
// monthly summary needs, two recent days, and a day whose snapshots are all incomplete.
const now = new Date();
const THIS_MONTH = now.toISOString().slice(0, 7);
const LAST_MONTH = isoDay(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).slice(0, 7);
const OLD_DAY = `${LAST_MONTH}-14`;
const DAY = isoDay(now.getTime() - 3 * DAY_MS);
const NEXT_DAY = isoDay(now.getTime() - 2 * DAY_MS);
const INCOMPLETE_DAY = isoDay(now.getTime() - 4 * DAY_MS);

/** The VMs of every complete snapshot, in moref order. */
const VMS = [
  {
    moref: 'vm-1',
    name: 'web-1',
    folder_path: 'tenant-a/prod',
    cluster_name: 'c1',
    resource_pool_name: 'Gold',
  },
  {
    moref: 'vm-2',
    name: '=HYPERLINK("x")',
    folder_path: 'tenant-a',
    cluster_name: 'c1',
    resource_pool_name: 'Silver',
  },
  {
    moref: 'vm-3',
    name: 'db, "main"',
    folder_path: 'tenant-b/db',
    cluster_name: 'C2',
    resource_pool_name: 'Tin',
  },
  { moref: 'vm-4', name: 'bulk-4', folder_path: 'tenant-b', cluster_name: 'c2' },
  { moref: 'vm-5', name: 'bulk-5', folder_path: 'tenant-b', cluster_name: 'c2' },
  { moref: 'vm-6', name: 'bulk-6', folder_path: 'tenant-b', cluster_name: 'c2' },
  { moref: 'vm-7', name: 'bulk-7', folder_path: 'tenant-b', cluster_name: 'c2' },
  { moref: 'vm-8', name: 'other', folder_path: 'tenant-ab', cluster_name: 'c3' },
];
const MOREFS = VMS.map((vm) => vm.moref);

describe('aggregator API', () => {
  let database: TestDatabase;
  let db: Client;
  let aggregator: RunningApp;
  let api: ControllerClient;

  beforeAll(async () => {
    ({ database, client: db } = await chargebackDatabase([
      ...new Set([LAST_MONTH, THIS_MONTH, DAY.slice(0, 7)]),
    ]));
    await addVcenter(db, VC, 'vc-api');
    for (const day of [OLD_DAY, DAY, NEXT_DAY]) {
      await addSnapshots(db, VC, hoursOf(day));
      for (const vm of VMS) await addVm(db, VC, hoursOf(day), { vcpus: 2, memory_mb: 4096, ...vm });
    }
    await addSnapshots(db, VC, hoursOf(INCOMPLETE_DAY, [0, 1, 2]), false);
    for (const vm of VMS) await addVm(db, VC, hoursOf(INCOMPLETE_DAY, [0, 1, 2]), vm);
    aggregator = await startAggregator(database.url);
    api = client(aggregator.url);
  });

  afterAll(async () => {
    expect(await aggregator?.stop()).toBe(0);
    await db?.end();
    await database?.drop();
  });

  it('catches up at start: each day with complete snapshots, then last month, none twice', async () => {
    const jobs = await eventually(async () => {
      const rows = await jobRows(db);
      return rows.length === 4 && rows.every((row) => row.state === 'succeeded') && rows;
    }, 'the catch-up jobs');
    expect(
      jobs.map(({ type, period, vcenter_id, state, requested_by, rows, error }) => [
        type,
        period,
        vcenter_id,
        state,
        requested_by,
        rows,
        error,
      ]),
    ).toEqual([
      ['daily', OLD_DAY, null, 'succeeded', 'catch-up', 8, null],
      ['daily', DAY, null, 'succeeded', 'catch-up', 8, null],
      ['daily', NEXT_DAY, null, 'succeeded', 'catch-up', 8, null],
      ['monthly', LAST_MONTH, null, 'succeeded', 'catch-up', 8, null],
    ]);
    const messages = aggregator.logs().map((line) => line.message);
    expect(messages).toContain(
      `catch-up (start): 3 day(s) ${OLD_DAY}..${NEXT_DAY} and 1 month(s) ${LAST_MONTH}..${LAST_MONTH} queued`,
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^job #2 daily ${DAY} \\(all vCenters\\) succeeded: 8 rows in \\d+\\.\\d s$`),
        ),
      ]),
    );
  });

  const routes: { method: string; path: string; body?: unknown; roles: Role[] }[] = [
    {
      method: 'POST',
      path: '/api/v1/aggregations',
      body: { type: 'daily', date: '2026-01-01' },
      roles: ['admin'],
    },
    { method: 'GET', path: '/api/v1/aggregations/1', roles: ['admin', 'reader'] },
    { method: 'GET', path: '/api/v1/aggregations?state=succeeded', roles: ['admin', 'reader'] },
    { method: 'POST', path: '/api/v1/retention', roles: ['admin'] },
    { method: 'GET', path: `/api/v1/chargeback/daily?day=${DAY}`, roles: ['admin', 'reader'] },
    { method: 'GET', path: `/api/v1/chargeback/monthly?month=${LAST_MONTH}`, roles: ['admin', 'reader'] },
    {
      method: 'GET',
      path: `/api/v1/chargeback/vm-trace?name=web-1&from=${DAY}&to=${DAY}`,
      roles: ['admin', 'reader'],
    },
    { method: 'GET', path: `/api/v1/chargeback/totals?from=${DAY}&to=${DAY}`, roles: ['admin', 'reader'] },
    {
      method: 'POST',
      path: '/api/v1/reports',
      body: { type: 'daily', period: '2026-01-01' },
      roles: ['admin'],
    },
    { method: 'GET', path: '/api/v1/reports?type=daily', roles: ['admin', 'reader'] },
    { method: 'GET', path: `/api/metrics/v1/nodes?start_date=${DAY}`, roles: ['admin', 'reader'] },
  ];

  it('answers 401 without a valid token and 403 to roles a route does not list', async () => {
    for (const route of routes) {
      for (const role of [null, 'admin', 'collector', 'reader'] as const) {
        const reply = await api.call(route.method, route.path, { role, body: route.body });
        const expected =
          role === null ? 401 : route.roles.includes(role) ? (route.method === 'POST' ? 202 : 200) : 403;
        expect({ ...route, role, status: reply.status }).toEqual({ ...route, role, status: expected });
      }
      const forged = await api.call(route.method, route.path, { token: 'x'.repeat(40), body: route.body });
      expect(forged.status).toBe(401);
    }
    for (const open of ['/health', '/metrics', '/api/docs-json'])
      expect((await api.get(open, null)).status).toBe(200);
    const docs = await api.get('/api/docs-json', null);
    expect(Object.keys(docs.body.paths).sort()).toEqual([
      '/api/ingres/v1/upload',
      '/api/ingress/v1/jobs/{id}',
      '/api/ingress/v1/upload',
      '/api/metrics/v1/nodes',
      '/api/v1/aggregations',
      '/api/v1/aggregations/{id}',
      '/api/v1/chargeback/daily',
      '/api/v1/chargeback/monthly',
      '/api/v1/chargeback/totals',
      '/api/v1/chargeback/vm-trace',
      '/api/v1/reports',
      '/api/v1/reports/{name}',
      '/api/v1/retention',
      '/health',
      '/metrics',
    ]);
  });

  it('refuses bad input with a 400 naming the field, and queues nothing', async () => {
    // Ids only: the role check's job may still be running.
    const before = (await jobRows(db)).map((job) => job.id);
    const posts: [unknown, string][] = [
      [{ type: 'weekly' }, 'type'],
      [{ type: 'daily' }, 'date'],
      [{ type: 'daily', date: '2026-02-30' }, 'date'],
      [{ type: 'daily', date: '9999-01-01' }, 'date'],
      [{ type: 'daily', date: `${DAY}\u0000` }, 'date'],
      [{ type: 'daily', date: DAY, month: LAST_MONTH }, 'month'],
      [{ type: 'monthly', month: '2026-13' }, 'month'],
      [{ type: 'daily', date: DAY, vcenter: 'no-such-vc' }, 'vcenter'],
      [{ type: 'daily', date: DAY, priority: 1 }, 'priority'],
    ];
    for (const [body, field] of posts) {
      const reply = await api.post('/api/v1/aggregations', body);
      expect({
        body,
        status: reply.status,
        fields: reply.body.fields?.map((f: { field: string }) => f.field),
      }).toEqual({ body, status: 400, fields: [field] });
    }
    const gets: [string, string][] = [
      ['/api/v1/aggregations/abc', 'id'],
      ['/api/v1/aggregations?state=done', 'state'],
      ['/api/v1/aggregations?type=hourly', 'type'],
      ['/api/v1/aggregations?limit=1001', 'limit'],
      ['/api/v1/chargeback/daily', 'day'],
      [`/api/v1/chargeback/daily?day=${DAY}&limit=0`, 'limit'],
      [`/api/v1/chargeback/daily?day=${DAY}&limit=10001`, 'limit'],
      [`/api/v1/chargeback/daily?day=${DAY}&limit=ten`, 'limit'],
      [`/api/v1/chargeback/daily?day=${DAY}&offset=-1`, 'offset'],
      [`/api/v1/chargeback/daily?day=${DAY}&offset=99999999999`, 'offset'],
      [`/api/v1/chargeback/daily?day=${DAY}&pool=platinum`, 'pool'],
      [`/api/v1/chargeback/daily?day=${DAY}&name=${'n'.repeat(300)}`, 'name'],
      [`/api/v1/chargeback/daily?day=${DAY}&sort=name`, 'sort'],
      ['/api/v1/chargeback/monthly?month=2026-1', 'month'],
      [`/api/v1/chargeback/vm-trace?name=web-1&to=${DAY}`, 'from'],
      [`/api/v1/chargeback/vm-trace?name=web-1&from=${NEXT_DAY}&to=${DAY}`, 'to'],
      [`/api/v1/chargeback/vm-trace?moref=vm-1&from=${DAY}&to=${DAY}`, 'vcenter'],
      [`/api/v1/chargeback/vm-trace?from=${DAY}&to=${DAY}`, 'moref'],
      [`/api/v1/chargeback/vm-trace?name=web-1&view=weekly&from=${DAY}&to=${DAY}`, 'view'],
      [
        `/api/v1/chargeback/totals?granularity=hourly&from=${isoDay(Date.now() - 60 * DAY_MS)}&to=${DAY}`,
        'from',
      ],
      [`/api/v1/chargeback/totals?granularity=yearly&from=${DAY}&to=${DAY}`, 'granularity'],
    ];
    for (const [path, field] of gets) {
      const reply = await api.get(path, 'reader');
      expect({
        path,
        status: reply.status,
        fields: reply.body.fields?.map((f: { field: string }) => f.field),
      }).toEqual({ path, status: 400, fields: [field] });
    }
    let deep: unknown = 'x';
    for (let level = 0; level < 40; level++) deep = { a: deep };
    const nested = await api.post('/api/v1/aggregations', { type: 'daily', date: DAY, vcenter: deep });
    expect(nested.status).toBe(400);
    expect(nested.body.fields[0].field).toMatch(/^vcenter\.a\.a/);
    const missing = await api.get('/api/v1/aggregations/99999999', 'reader');
    expect({ status: missing.status, fields: missing.body.fields }).toEqual({
      status: 404,
      fields: [{ field: 'id', problems: ['no job has id 99999999'] }],
    });
    expect((await jobRows(db)).map((job) => job.id)).toEqual(before);
  });

  it('regenerates a day on demand with the same rows, byte for byte', async () => {
    const before = await dump(db, 'chargeback_daily', 'vcenter_id, day, moref');
    const reply = await api.post('/api/v1/aggregations', { type: 'daily', date: DAY, vcenter: 'VC-API' });
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ type: 'daily', period: DAY, vcenterId: VC, requestedBy: 'e2e-admin' });
    const job = await jobEnd(api, reply.body.id);
    expect(job).toMatchObject({ state: 'succeeded', rows: 8, error: null });
    expect(await dump(db, 'chargeback_daily', 'vcenter_id, day, moref')).toBe(before);
    // Logged as the job's own, not under the id of the request that asked for it.
    const done = aggregator
      .logs()
      .find((line) =>
        String(line.message).startsWith(`job #${job.id} daily ${DAY} (vCenter ${VC}) succeeded: 8 rows in `),
      );
    expect(done).toMatchObject({ context: 'Jobs' });
    expect(done).not.toHaveProperty('req');

    const monthly = await api.post('/api/v1/aggregations', { type: 'monthly', month: LAST_MONTH });
    expect(await jobEnd(api, monthly.body.id)).toMatchObject({ state: 'succeeded', rows: 8 });

    // The job list, newest first, by type.
    const listed = await api.get('/api/v1/aggregations?type=monthly&limit=1', 'reader');
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ limit: 1, offset: 0, nextOffset: 1 });
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        id: monthly.body.id,
        type: 'monthly',
        period: LAST_MONTH,
        state: 'succeeded',
      }),
    ]);
    const next = await api.get('/api/v1/aggregations?type=monthly&limit=1&offset=1', 'reader');
    expect(next.body.items).toEqual([
      expect.objectContaining({ type: 'monthly', period: LAST_MONTH, requestedBy: 'catch-up' }),
    ]);
    expect(next.body.nextOffset).toBeNull();
  });

  it('serves the daily summary as stored, filtered', async () => {
    const reply = await api.get(`/api/v1/chargeback/daily?day=${DAY}`, 'reader');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ limit: 100, offset: 0, nextOffset: null });
    const stored = (
      await db.query(
        `SELECT moref, name, avg_vcpu_count, total_samples, cost::text AS cost FROM chargeback_daily WHERE day = $1 ORDER BY moref`,
        [DAY],
      )
    ).rows;
    expect(
      reply.body.items.map((row: Record<string, unknown>) => ({
        moref: row.moref,
        name: row.name,
        avg_vcpu_count: row.avgVcpuCount,
        total_samples: row.totalSamples,
        cost: row.cost,
      })),
    ).toEqual(stored);
    expect(reply.body.items[0]).toMatchObject({
      vcenterId: VC,
      vcenterName: 'vc-api',
      day: DAY,
      moref: 'vm-1',
      pool: 'gold',
      folder: 'tenant-a/prod',
      totalSamples: 24,
      avgVcpuCount: 2,
    });

    const morefs = async (query: string): Promise<string[]> => {
      const filtered = await api.get(`/api/v1/chargeback/daily?day=${DAY}&${query}`, 'reader');
      expect(filtered.status).toBe(200);
      return filtered.body.items.map((row: { moref: string }) => row.moref);
    };
    expect(await morefs('cluster=C1')).toEqual(['vm-1', 'vm-2']);
    expect(await morefs('folder=tenant-a')).toEqual(['vm-1', 'vm-2']);
    expect(await morefs('folder=tenant-b')).toEqual(['vm-3', 'vm-4', 'vm-5', 'vm-6', 'vm-7']);
    expect(await morefs('pool=gold')).toEqual(['vm-1']);
    expect(await morefs('pool=none')).toEqual(['vm-4', 'vm-5', 'vm-6', 'vm-7', 'vm-8']);
    expect(await morefs('name=BULK')).toEqual(['vm-4', 'vm-5', 'vm-6', 'vm-7']);
    expect(await morefs('name=%25')).toEqual([]);
    expect(await morefs(`vcenter=${VC}&cluster=c2&name=bulk-5`)).toEqual(['vm-5']);
  });

  it('pages with limit and offset until nextOffset is null, each row once', async () => {
    const seen: string[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const reply: Reply<{ items: { moref: string }[]; nextOffset: number | null }> = await api.get(
        `/api/v1/chargeback/daily?day=${DAY}&limit=3&offset=${offset}`,
        'reader',
      );
      expect(reply.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...reply.body.items.map((row) => row.moref));
      offset = reply.body.nextOffset;
    }
    expect(seen).toEqual(MOREFS);
    const beyond = await api.get(`/api/v1/chargeback/daily?day=${DAY}&offset=100`, 'reader');
    expect(beyond.body).toEqual({ items: [], limit: 100, offset: 100, nextOffset: null });
  });

  it('answers text/csv with escaped cells and formulas disarmed', async () => {
    const reply = await api.call('GET', `/api/v1/chargeback/daily?day=${DAY}&limit=3`, { role: 'reader' });
    expect(reply.status).toBe(200);
    const csv = await fetch(`${aggregator.url}/api/v1/chargeback/daily?day=${DAY}&limit=3`, {
      headers: {
        authorization: `Bearer ${TOKENS.reader}`,
        accept: 'text/csv',
      },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="chargeback-daily-${DAY}.csv"`);
    expect(csv.headers.get('x-next-offset')).toBe('3');
    const lines = (await csv.text()).split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('');
    const header = lines[0].split(',');
    expect(header.slice(0, 5)).toEqual(['vcenterId', 'vcenterName', 'day', 'moref', 'name']);
    expect(header).toHaveLength(Object.keys(reply.body.items[0]).length);
    expect(lines[1].startsWith(`${VC},vc-api,${DAY},vm-1,web-1,`)).toBe(true);
    expect(lines[2].startsWith(`${VC},vc-api,${DAY},vm-2,"'=HYPERLINK(""x"")",`)).toBe(true);
    expect(lines[3].startsWith(`${VC},vc-api,${DAY},vm-3,"db, ""main""",`)).toBe(true);
  });

  it('serves the monthly summary, one row per VM', async () => {
    const reply = await api.get(
      `/api/v1/chargeback/monthly?month=${LAST_MONTH}&folder=tenant-b/db`,
      'reader',
    );
    expect(reply.status).toBe(200);
    expect(reply.body.items).toHaveLength(1);
    expect(reply.body.items[0]).toMatchObject({
      vcenterName: 'vc-api',
      month: LAST_MONTH,
      moref: 'vm-3',
      name: 'db, "main"',
      pool: 'tin',
    });
    const all = await api.get(`/api/v1/chargeback/monthly?month=${LAST_MONTH}`, 'reader');
    expect(all.body.items.map((row: { moref: string }) => row.moref)).toEqual(MOREFS);
  });

  it('traces one VM by vCenter and moref or by name, hourly and daily', async () => {
    const hourly = await api.get(
      `/api/v1/chargeback/vm-trace?vcenter=vc-api&moref=vm-1&from=${INCOMPLETE_DAY}&to=${DAY}&limit=1000`,
      'reader',
    );
    expect(hourly.status).toBe(200);
    const rows = hourly.body.items as {
      snapshotTime: string;
      complete: boolean;
      name: string;
      ramGb: number;
    }[];
    expect(rows.map((row) => [row.snapshotTime, row.complete])).toEqual([
      ...hoursOf(INCOMPLETE_DAY, [0, 1, 2]).map((time) => [time.toISOString(), false]),
      ...hoursOf(DAY).map((time) => [time.toISOString(), true]),
    ]);
    expect(rows[5]).toMatchObject({
      name: 'web-1',
      vcpus: 2,
      ramGb: 4,
      cluster: 'c1',
      resourcePool: 'Gold',
      folder: 'tenant-a/prod',
    });

    const byName = await api.get(
      `/api/v1/chargeback/vm-trace?name=WEB-1&from=${DAY}&to=${NEXT_DAY}&limit=30`,
      'reader',
    );
    expect(byName.body.items).toHaveLength(30);
    expect(byName.body.nextOffset).toBe(30);

    const daily = await api.get(
      `/api/v1/chargeback/vm-trace?view=daily&name=web-1&from=${OLD_DAY}&to=${NEXT_DAY}`,
      'reader',
    );
    expect(daily.body.items.map((row: { day: string; moref: string }) => [row.day, row.moref])).toEqual([
      [OLD_DAY, 'vm-1'],
      [DAY, 'vm-1'],
      [NEXT_DAY, 'vm-1'],
    ]);
  });

  it('serves vCenter totals by day and by hour', async () => {
    const daily = await api.get(
      `/api/v1/chargeback/totals?vcenter=vc-api&from=${DAY}&to=${NEXT_DAY}`,
      'reader',
    );
    expect(daily.status).toBe(200);
    expect(
      daily.body.items.map((row: { periodStart: string; vms: number; vcpus: number }) => [
        row.periodStart,
        row.vms,
        row.vcpus,
      ]),
    ).toEqual([
      [`${DAY}T00:00:00.000Z`, 8, 16],
      [`${NEXT_DAY}T00:00:00.000Z`, 8, 16],
    ]);
    const hourly = await api.get(
      `/api/v1/chargeback/totals?granularity=hourly&from=${DAY}&to=${DAY}&limit=1000`,
      'reader',
    );
    expect(hourly.body.items.map((row: { periodStart: string }) => row.periodStart)).toEqual(
      hoursOf(DAY).map((time) => time.toISOString()),
    );
  });

  it('runs retention on demand (nothing here is old enough to go)', async () => {
    const reply = await api.post('/api/v1/retention', undefined);
    expect(reply.status).toBe(202);
    expect(await jobEnd(api, reply.body.id)).toMatchObject({
      type: 'retention',
      state: 'succeeded',
      rows: 0,
    });
    expect((await db.query('SELECT count(*)::int AS n FROM inventory_snapshot')).rows[0].n).toBe(75);
  });

  it('exports job and snapshot metrics', async () => {
    const text = (await api.get('/metrics', null)).text;
    const value = (series: string): number =>
      Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('vcc_aggregator_snapshots{state="complete"}')).toBe(72);
    expect(value('vcc_aggregator_snapshots{state="incomplete"}')).toBe(3);
    // Daily: three catch-up days and one regenerated (8 VMs each), and the auth check's empty day.
    expect(value('vcc_aggregator_jobs_total{type="daily"}')).toBe(5);
    expect(value('vcc_aggregator_rows_written_total{type="daily"}')).toBe(32);
    expect(value('vcc_aggregator_jobs_total{type="monthly"}')).toBe(2);
    expect(value('vcc_aggregator_rows_written_total{type="monthly"}')).toBe(16);
    expect(value('vcc_aggregator_job_duration_seconds_count{type="monthly"}')).toBe(2);
    expect(value('vcc_aggregator_jobs_failed_total{type="daily"}')).toBe(0);
    expect(value('vcc_aggregator_last_success_timestamp_seconds{type="daily"}')).toBeGreaterThan(
      now.getTime() / 1000,
    );
    expect(value('vcc_aggregator_reports_available')).toBe(0);
  });

  it('catches up at the next start on a day whose snapshot got a shard after it was aggregated', async () => {
    await db.query(`UPDATE inventory_snapshot SET last_received_at = now() WHERE snapshot_time = $1`, [
      `${DAY}T05:00:00Z`,
    ]);
    expect(await aggregator.stop()).toBe(0);
    const jobsBefore = (await jobRows(db)).length;
    aggregator = await startAggregator(database.url);
    api = client(aggregator.url);
    // The day again, and its month if that is over; and January, whose day the role check asked
    // for (no rows), since no monthly job has summed it yet.
    const months: [string, number][] = [['2026-01', 0]];
    if (DAY.slice(0, 7) < THIS_MONTH) months.push([DAY.slice(0, 7), 8]);
    const again = await eventually(async () => {
      const rows = (await jobRows(db)).slice(jobsBefore);
      return rows.length === 1 + months.length && rows.every((row) => row.state === 'succeeded') && rows;
    }, 'the catch-up of the changed day');
    expect(again.map(({ type, period, requested_by, rows }) => [type, period, requested_by, rows])).toEqual([
      ['daily', DAY, 'catch-up', 8],
      ...months.map(([month, rows]) => ['monthly', month, 'catch-up', rows]),
    ]);
  });
});
