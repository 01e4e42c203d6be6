import { randomBytes, randomUUID } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import type { Client } from 'pg';
import { pack as tarPack } from 'tar-stream';
import type { RunningApp } from '../support/apps';
import { hourlyRows, writeNodePackage, type NodeRow } from '../support/node-package';
import type { TestDatabase } from '../support/postgres';
import { client, TOKENS, type ControllerClient } from '../controller/controller-harness';
import { aggregatorEnv, jobEnd, startAggregator } from './aggregator-harness';
import { addHost, addSnapshots, addVcenter, chargebackDatabase, dump, hoursOf } from './chargeback-fixtures';

const UPLOADER = 'uploader-token-for-e2e-0123456789abcdef';
const MAX_BYTES = 2 * 1024 * 1024;
const MAX_FILES = 10;
const MAX_RATIO = 200;

const D1 = '2026-10-14';
const D2 = '2026-10-15';
const at = (day: string, hour: number): Date => new Date(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);
const VC = 'cccccccc-0000-4000-8000-000000000014';

/** Tokens of every role, and one uploader. */
function env(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  const base = aggregatorEnv(databaseUrl);
  const tokens = JSON.parse(base.VCC_AUTH_TOKENS) as unknown[];
  tokens.push({ name: 'e2e-uploader', role: 'uploader', token: UPLOADER });
  return { ...base, VCC_AUTH_TOKENS: JSON.stringify(tokens), VCC_SCHEDULE_ENABLED: 'false', ...extra };
}

interface UploadJob {
  id: string;
  state: string;
  manifestUuid: string;
  rows: number | null;
  nodes: number | null;
  hours: number | null;
  message: string | null;
  error: string | null;
}

interface UploadReply {
  status: number;
  body: UploadJob & { message: string; fields?: { field: string }[] };
}

async function post(
  baseUrl: string,
  file: string,
  token = UPLOADER,
  route = '/api/ingress/v1/upload',
): Promise<UploadReply> {
  const form = new FormData();
  form.append('file', await openAsBlob(file), 'package.tar.gz');
  const response = await fetch(`${baseUrl}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as UploadReply['body'] };
}

async function uploadEnd(api: ControllerClient, id: string, timeoutMs = 120_000): Promise<UploadJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await api.get<UploadJob>(`/api/ingress/v1/jobs/${id}`, 'reader');
    expect(reply.status).toBe(200);
    if (reply.body.state === 'succeeded' || reply.body.state === 'failed') return reply.body;
    if (Date.now() > deadline)
      throw new Error(`upload ${id} still ${reply.body.state} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Every node table and the upload jobs, as text. */
async function tables(db: Client, withJobs = false): Promise<string> {
  const parts = [
    await dump(db, 'node_cluster', 'id'),
    await dump(db, 'node', 'id'),
    await dump(db, 'node_metrics', 'node_id, interval_start'),
    await dump(db, 'node_daily_summary', 'node_id, date, core_count'),
    await dump(db, 'node_manifest', 'uuid'),
  ];
  if (withJobs) parts.push(await dump(db, 'node_upload', 'id'));
  return parts.join('\n--\n');
}

interface Entry {
  name: string;
  content?: string | Buffer;
  type?: 'file' | 'symlink' | 'character-device';
}

function tarGz(entries: Entry[]): Promise<Buffer> {
  const tar = tarPack();
  for (const entry of entries) {
    if (entry.type === 'symlink') tar.entry({ name: entry.name, type: 'symlink', linkname: '/etc/passwd' });
    else if (entry.type === 'character-device')
      tar.entry({ name: entry.name, type: 'character-device', devmajor: 1, devminor: 3 });
    else tar.entry({ name: entry.name }, entry.content ?? '');
  }
  tar.finalize();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    tar.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    tar.on('end', () => resolve(gzipSync(Buffer.concat(chunks))));
    tar.on('error', reject);
  });
}

const HEADER =
  'report_period_start,report_period_end,interval_start,interval_end,node,node_role,resource_id,node_capacity_cpu_cores,node_capacity_cpu_core_seconds,node_capacity_memory_bytes';
const ROW =
  '2026-10-01 00:00:00 +0000 UTC,2026-11-01 00:00:00 +0000 UTC,2026-10-14 00:00:00 +0000 UTC,2026-10-14 00:59:59 +0000 UTC,n1,worker,r1,4,14400,1000';

function manifest(files: string[], fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    uuid: randomUUID(),
    cluster_id: 'bad-cluster',
    version: 'v1',
    date: '2026-10-15T00:00:00Z',
    files,
    start: '2026-10-14T00:00:00Z',
    end: '2026-10-15T00:00:00Z',
    cr_status: { clusterID: 'bad-cluster', source: { name: 'bad' } },
    ...fields,
  });
}

describe('node uploads', () => {
  let database: TestDatabase;
  let db: Client;
  let aggregator: RunningApp;
  let api: ControllerClient;
  let work: string;
  let packageOne: string;

  const write = async (name: string, content: Buffer | string): Promise<string> => {
    const file = join(work, name);
    await writeFile(file, content);
    return file;
  };
  const nodePackage = async (name: string, rows: () => NodeRow[], uuid?: string): Promise<string> => {
    const file = join(work, name);
    await writeNodePackage(file, { uuid, clusterId: 'ocp-1', clusterName: 'OCP One', rows, rowsPerFile: 20 });
    return file;
  };
  const summaries = async (query: string): Promise<unknown[]> => {
    const reply = await api.get<unknown[]>(`/api/metrics/v1/nodes?${query}`, 'reader');
    expect(reply.status).toBe(200);
    return reply.body;
  };

  beforeAll(async () => {
    ({ database, client: db } = await chargebackDatabase(['2026-10']));
    work = await mkdtemp(join(tmpdir(), 'vcc-uploads-e2e-'));
    aggregator = await startAggregator(
      database.url,
      env(database.url, {
        VCC_UPLOADS_MAX_BYTES: String(MAX_BYTES),
        VCC_UPLOADS_MAX_FILES: String(MAX_FILES),
        VCC_UPLOADS_MAX_RATIO: String(MAX_RATIO),
      }),
    );
    api = client(aggregator.url);
    // full: all 24 hours of D1; part: 6 hours of D1; night: 20:00 on D1 to 04:00 on D2.
    packageOne = await nodePackage('one.tar.gz', () => [
      ...hourlyRows('full', 8, at(D1, 0), 24),
      ...hourlyRows('part', 4, at(D1, 8), 6, 'infra'),
      ...hourlyRows('night', 16, at(D1, 20), 8, 'master'),
    ]);
  });

  afterAll(async () => {
    await aggregator?.stop();
    await db?.end();
    await database?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('ingests a package in the background and sums hours per node and day, across midnight too', async () => {
    const reply = await post(aggregator.url, packageOne);
    expect(reply.status).toBe(202);
    expect(reply.body.state).toBe('queued');
    const job = await uploadEnd(api, reply.body.id);
    expect(job).toMatchObject({ state: 'succeeded', rows: 24 + 6 + 8, nodes: 3, hours: 24 + 4, error: null });

    const row = (date: string, node: string, type: string, cores: number, hours: number): unknown => ({
      Date: `${date}T00:00:00Z`,
      ClusterID: 'ocp-1',
      ClusterName: 'OCP One',
      NodeName: node,
      NodeIdentifier: `aws:///us-east-1a/i-${node}`,
      NodeType: type,
      CoreCount: cores,
      TotalHours: hours,
    });
    expect(await summaries(`start_date=${D1}&end_date=${D2}`)).toEqual([
      row(D1, 'full', 'worker', 8, 24),
      row(D1, 'night', 'master', 16, 4),
      row(D1, 'part', 'infra', 4, 6),
      row(D2, 'night', 'master', 16, 4),
    ]);
    expect(
      await summaries(`start_date=${D2}&end_date=${D2}&cluster_name=ocp%20one&node_type=master`),
    ).toEqual([row(D2, 'night', 'master', 16, 4)]);

    const page = await api.call('GET', `/api/metrics/v1/nodes?start_date=${D1}&end_date=${D2}&limit=2`, {
      role: 'reader',
    });
    expect(page.headers.get('x-next-offset')).toBe('2');
    const csv = await fetch(
      `${aggregator.url}/api/metrics/v1/nodes?start_date=${D1}&end_date=${D1}&cluster_id=ocp-1`,
      {
        headers: { authorization: `Bearer ${TOKENS.reader}`, accept: 'text/csv' },
      },
    );
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toBe(
      'Date,ClusterID,ClusterName,NodeName,NodeIdentifier,NodeType,CoreCount,TotalHours\r\n' +
        `${D1},ocp-1,OCP One,full,aws:///us-east-1a/i-full,worker,8,24\r\n` +
        `${D1},ocp-1,OCP One,night,aws:///us-east-1a/i-night,master,16,4\r\n` +
        `${D1},ocp-1,OCP One,part,aws:///us-east-1a/i-part,infra,4,6\r\n`,
    );
  });

  it('changes nothing when the same package comes again', async () => {
    const before = await tables(db);
    const reply = await post(aggregator.url, packageOne, TOKENS.collector);
    expect(reply.status).toBe(202);
    const job = await uploadEnd(api, reply.body.id);
    expect(job.state).toBe('succeeded');
    expect(job.message).toMatch(/^already ingested \(upload \d+\)$/);
    expect(job.rows).toBe(0);
    expect(await tables(db)).toBe(before);
  });

  it('replaces the hours of the cluster that a corrected package holds, rather than adding to them', async () => {
    // The same hours of D1 again: full now has 12 cores, part is unchanged, night is gone from D1.
    const corrected = await nodePackage('corrected.tar.gz', () => [
      ...hourlyRows('full', 12, at(D1, 0), 24),
      ...hourlyRows('part', 4, at(D1, 8), 6, 'infra'),
    ]);
    const reply = await post(aggregator.url, corrected, UPLOADER, '/api/ingres/v1/upload');
    expect(reply.status).toBe(202);
    expect(await uploadEnd(api, reply.body.id)).toMatchObject({ state: 'succeeded', rows: 30, hours: 24 });
    const rows = (await summaries(`start_date=${D1}&end_date=${D2}`)) as Record<string, unknown>[];
    expect(rows.map((row) => [row.Date, row.NodeName, row.CoreCount, row.TotalHours])).toEqual([
      [`${D1}T00:00:00Z`, 'full', 12, 24],
      [`${D1}T00:00:00Z`, 'part', 4, 6],
      [`${D2}T00:00:00Z`, 'night', 16, 4],
    ]);
    const { rows: metrics } = await db.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM node_metrics',
    );
    expect(metrics[0].count).toBe(24 + 6 + 4);
  });

  it('refuses every bad package with a 400 (413 when too large) and writes nothing', async () => {
    const csv = `${HEADER}\n${ROW}\n`;
    const cases: [string, Buffer, number, RegExp][] = [
      ['not gzip', Buffer.from('just text'), 400, /not a gzip stream/],
      ['not tar', gzipSync(Buffer.from('not a tar archive at all')), 400, /not a tar archive/],
      [
        'path traversal',
        await tarGz([
          { name: 'manifest.json', content: manifest(['../a.csv']) },
          { name: '../a.csv', content: csv },
        ]),
        400,
        /"\.\.\/a\.csv" climbs out/,
      ],
      [
        'absolute name',
        await tarGz([
          { name: 'manifest.json', content: manifest(['a.csv']) },
          { name: '/tmp/a.csv', content: csv },
        ]),
        400,
        /"\/tmp\/a\.csv" is an absolute path/,
      ],
      [
        'symlink',
        await tarGz([
          { name: 'manifest.json', content: manifest(['a.csv']) },
          { name: 'a.csv', type: 'symlink' },
        ]),
        400,
        /"a\.csv" is a symlink/,
      ],
      [
        'device',
        await tarGz([
          { name: 'manifest.json', content: manifest(['a.csv']) },
          { name: 'a.csv', content: csv },
          { name: 'null', type: 'character-device' },
        ]),
        400,
        /"null" is a character-device/,
      ],
      [
        'listed but missing',
        await tarGz([
          { name: 'manifest.json', content: manifest(['a.csv', 'b.csv']) },
          { name: 'a.csv', content: csv },
        ]),
        400,
        /manifest\.files: listed but not in the archive: b\.csv/,
      ],
      [
        'present but unlisted',
        await tarGz([
          { name: 'manifest.json', content: manifest(['a.csv']) },
          { name: 'a.csv', content: csv },
          { name: 'extra.csv', content: csv },
        ]),
        400,
        /not listed in manifest\.files: extra\.csv/,
      ],
      [
        'manifest not JSON',
        await tarGz([
          { name: 'manifest.json', content: '{"uuid": ' },
          { name: 'a.csv', content: csv },
        ]),
        400,
        /manifest\.json: is not JSON/,
      ],
      [
        'manifest lacking fields',
        await tarGz([
          {
            name: 'manifest.json',
            content: manifest(['a.csv'], { uuid: undefined, cr_status: { clusterID: 'x', source: {} } }),
          },
          { name: 'a.csv', content: csv },
        ]),
        400,
        /manifest\.uuid: .*manifest\.cr_status\.source\.name: /,
      ],
      ['no manifest', await tarGz([{ name: 'a.csv', content: csv }]), 400, /holds no manifest\.json/],
      [
        'CSV without required columns',
        await tarGz([
          { name: 'manifest.json', content: manifest(['a.csv']) },
          { name: 'a.csv', content: 'interval_start,node,extra\nx,y,z\n' },
        ]),
        400,
        /a\.csv: lacks the column\(s\) report_period_start, report_period_end, interval_end, node_role, resource_id, node_capacity_cpu_cores, node_capacity_cpu_core_seconds, node_capacity_memory_bytes/,
      ],
      [
        'too many entries',
        await tarGz([
          {
            name: 'manifest.json',
            content: manifest(Array.from({ length: MAX_FILES }, (_, i) => `${i}.csv`)),
          },
          ...Array.from({ length: MAX_FILES }, (_, i) => ({ name: `${i}.csv`, content: csv })),
        ]),
        400,
        /more than uploads\.maxFiles \(10\) entries/,
      ],
      [
        'zip bomb',
        await tarGz([
          { name: 'manifest.json', content: manifest(['a.csv']) },
          { name: 'a.csv', content: `${HEADER}\n${'0'.repeat(1024 * 1024)}\n` },
        ]),
        400,
        /decompresses to more than uploads\.maxRatio \(200\) times its size/,
      ],
      ['over maxBytes', randomBytes(MAX_BYTES + 1024 * 1024), 413, /larger than uploads\.maxBytes/],
    ];
    const before = await tables(db, true);
    for (const [name, content, status, message] of cases) {
      const reply = await post(aggregator.url, await write(`${name.replace(/ /g, '-')}.tar.gz`, content));
      expect({ name, status: reply.status, message: reply.body.message }).toEqual({
        name,
        status,
        message: expect.stringMatching(message),
      });
      expect(reply.body.fields?.[0].field).toMatch(/^(file|manifest)/);
    }
    expect(await tables(db, true)).toBe(before);
  });

  it('refuses an upload without a token, or from a reader', async () => {
    expect((await post(aggregator.url, packageOne, 'not-a-token-at-all-0123456789abcdefghij')).status).toBe(
      401,
    );
    expect((await post(aggregator.url, packageOne, TOKENS.reader)).status).toBe(403);
    expect((await api.get('/api/metrics/v1/nodes', 'collector')).status).toBe(403);
    const bad = await api.get('/api/metrics/v1/nodes?start_date=2026-02-30&size=1', 'reader');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('start_date');
    expect(bad.text).toContain('size');
  });

  it('counts ESXi hosts of complete hourly snapshots as nodes of their vCenter in the daily job', async () => {
    await addVcenter(db, VC, 'vc-nodes');
    await addSnapshots(db, VC, hoursOf(D1));
    await addHost(db, VC, hoursOf(D1), {
      moref: 'host-1',
      cluster_name: 'c1',
      cpu_cores: 32,
      memory_mb: 1024,
    });
    await addHost(db, VC, hoursOf(D1, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), {
      moref: 'host-2',
      cluster_name: 'c1',
      cpu_cores: 16,
      memory_mb: 1024,
    });
    // A snapshot with a group missing does not count, whoever is in it.
    const incomplete = new Date(`${D1}T12:30:00Z`);
    await addSnapshots(db, VC, [incomplete], false);
    await addHost(db, VC, [incomplete], {
      moref: 'host-2',
      cluster_name: 'c1',
      cpu_cores: 16,
      memory_mb: 1024,
    });

    const job = await api.post<{ id: string }>('/api/v1/aggregations', { type: 'daily', date: D1 }, 'admin');
    expect(job.status).toBe(202);
    expect((await jobEnd(api, job.body.id)).state).toBe('succeeded');
    const esxi = (host: string, cores: number, hours: number): unknown => ({
      Date: `${D1}T00:00:00Z`,
      ClusterID: VC,
      ClusterName: 'vc-nodes',
      NodeName: host,
      NodeIdentifier: host,
      NodeType: 'esxi',
      CoreCount: cores,
      TotalHours: hours,
    });
    expect(await summaries(`start_date=${D1}&end_date=${D1}&node_type=esxi`)).toEqual([
      esxi('host-1', 32, 24),
      esxi('host-2', 16, 10),
    ]);
    // One query answers for both worlds; a second run of the day changes nothing.
    expect(await summaries(`start_date=${D1}&end_date=${D1}`)).toHaveLength(4);
    const before = await tables(db);
    const again = await api.post<{ id: string }>(
      '/api/v1/aggregations',
      { type: 'daily', date: D1 },
      'admin',
    );
    expect((await jobEnd(api, again.body.id)).state).toBe('succeeded');
    expect(await tables(db)).toBe(before);
  });
});

describe('a 200 MB node package', () => {
  // Random padding (gzip keeps three quarters of it) makes the package itself 200 MB on the wire.
  const ROW_PADDING = 2900;
  const NODES = 125;
  const HOURS = 31 * 24;
  let database: TestDatabase;
  let db: Client;
  let aggregator: RunningApp;
  let work: string;

  beforeAll(async () => {
    ({ database, client: db } = await chargebackDatabase([]));
    work = await mkdtemp(join(tmpdir(), 'vcc-uploads-big-'));
    aggregator = await startAggregator(database.url, env(database.url));
  });

  afterAll(async () => {
    await aggregator?.stop();
    await db?.end();
    await database?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('is ingested with the aggregator under 300 MB of memory', async () => {
    const file = join(work, 'big.tar.gz');
    const rows = function* (): Generator<NodeRow> {
      for (let node = 0; node < NODES; node++)
        yield* hourlyRows(`node-${node}`, 8, at('2026-10-01', 0), HOURS);
    };
    const written = await writeNodePackage(file, {
      clusterId: 'big',
      clusterName: 'big',
      rows,
      padding: ROW_PADDING,
    });
    const api = client(aggregator.url);
    const reply = await post(aggregator.url, file);
    expect(reply.status).toBe(202);
    const job = await uploadEnd(api, reply.body.id);
    expect(job).toMatchObject({ state: 'succeeded', rows: NODES * HOURS, nodes: NODES, hours: HOURS });
    const status = await readFile(`/proc/${aggregator.process.child.pid}/status`, 'utf8');
    const peakKb = Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]);
    console.log(
      `node package: ${(written.csvBytes / 1e6).toFixed(0)} MB of CSV, ${written.rows} rows, ${(written.bytes / 1e6).toFixed(1)} MB sent; aggregator peak RSS ${(peakKb / 1024).toFixed(0)} MB`,
    );
    expect(written.bytes).toBeGreaterThan(200e6);
    expect(peakKb).toBeLessThan(300 * 1024);
  });
});
