/**
 * The event stream of one controller: ingest throughput through POST /api/v1/events, and how long
 * events take to reach 100 open watches, in one run.
 *
 * Starts PostgreSQL (a fresh database on $DATABASE_URL or on 127.0.0.1:5432) and the built
 * controller. Ingest: one poster per vCenter (as the event tail posts: batches of 1000 in key
 * order) on 4 vCenters for BENCH_SECONDS; its limit, measured in the same run, is the same batches
 * written straight through the controller's EventRepository (transaction lock, insert, NOTIFY)
 * without HTTP. Watch: 100 watches on one vCenter while batches of 50 events are posted every
 * 100 ms; an event's delivery latency is from sending its POST to its line arriving at a watch, and
 * its limit is the POST's own round trip (an event cannot arrive before it is committed). Every watch
 * must get every event once, in key order. Run with `npm run bench:events`.
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EventRepository } from '../../apps/controller/ingest/event.repository';
import type { EventDto } from '../../apps/controller/ingest/event.dto';
import { dataSourceOptions } from '../../libs/database/data-source';
import { DatabaseConfig } from '../../libs/config/sections';
import { startProcess, type RunningProcess } from '../../test/support/processes';
import { runBench } from '../run-bench';

const ROOT = resolve(__dirname, '../../..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const INGEST_VCENTERS = 4;
const INGEST_BATCH = 1000;
const WATCHES = 100;
const WATCH_BATCH = 50;
const WATCH_INTERVAL_MS = 100;
const TARGET_EVENTS_PER_SECOND = 10_000;
const TARGET_P99_MS = 500;
const ADMIN = randomBytes(24).toString('hex');
const COLLECTOR = randomBytes(24).toString('hex');
const READER = randomBytes(24).toString('hex');

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

async function sql(url: string, text: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A VM event about the size of a real one (a migration with its source and destination). */
function event(key: number): EventDto {
  return {
    key,
    chainId: key,
    type: 'VmMigratedEvent',
    createdTime: new Date().toISOString(),
    userName: 'VSPHERE.LOCAL\\svc-drs',
    fullMessage: `Migration of virtual machine app-${key % 5000} from esx-${key % 40}, ds-${key % 12} to esx-${(key + 1) % 40}, ds-${key % 12} completed`,
    datacenter: { moref: 'datacenter-2', name: 'dc-1' },
    cluster: { moref: 'domain-c7', name: 'cluster-1' },
    host: { moref: `host-${(key + 1) % 40}`, name: `esx-${(key + 1) % 40}` },
    vm: { moref: `vm-${key % 5000}`, name: `app-${key % 5000}` },
    fields: {
      template: false,
      sourceHost: { name: `esx-${key % 40}`, host: { type: 'HostSystem', value: `host-${key % 40}` } },
      sourceDatacenter: { name: 'dc-1', datacenter: { type: 'Datacenter', value: 'datacenter-2' } },
      sourceDatastore: {
        name: `ds-${key % 12}`,
        datastore: { type: 'Datastore', value: `datastore-${key % 12}` },
      },
    },
  };
}

function batch(from: number, count: number): EventDto[] {
  return Array.from({ length: count }, (_, i) => event(from + i));
}

async function call(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** POST /api/v1/events with a body serialised beforehand. */
async function postRaw(base: string, body: string): Promise<void> {
  const response = await fetch(`${base}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${COLLECTOR}`, 'content-type': 'application/json' },
    body,
  });
  if (!response.ok) throw new Error(`POST /api/v1/events: ${response.status} ${await response.text()}`);
  await response.arrayBuffer();
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Batches of INGEST_BATCH per vCenter, keys from 1 in order, built before the clock starts so that
 * the benchmark's own CPU (two cores shared with the controller and PostgreSQL) is not measured.
 */
function prepare(batches: number): EventDto[][] {
  return Array.from({ length: batches }, (_, i) => batch(1 + i * INGEST_BATCH, INGEST_BATCH));
}

/** One poster per vCenter sends its batches in order until they or `seconds` run out. */
async function ingest<T>(
  seconds: number,
  prepared: T[][],
  post: (vcenter: number, body: T) => Promise<unknown>,
) {
  const deadline = Date.now() + seconds * 1000;
  const started = Date.now();
  const counts = await Promise.all(
    prepared.map(async (bodies, vcenter) => {
      let sent = 0;
      for (const body of bodies) {
        if (Date.now() >= deadline) break;
        await post(vcenter, body);
        sent += 1;
      }
      return sent * INGEST_BATCH;
    }),
  );
  const total = counts.reduce((sum, n) => sum + n, 0);
  return { total, perSecond: total / ((Date.now() - started) / 1000) };
}

/**
 * The key of an event line, from its id (`<vCenter>:<key>`), or undefined for a heartbeat. Clients
 * run on other machines; a full JSON.parse of 50,000 lines a second here would take the CPU that
 * the controller is measured on (every 1,000th key's line is parsed whole and checked).
 */
function keyOf(line: string): number | undefined {
  const at = line.indexOf('"id":"');
  if (at < 0) return undefined;
  const key = Number(line.slice(line.indexOf(':', at + 6) + 1, line.indexOf('"', at + 6)));
  if (key % 1000 === 0) {
    const event = JSON.parse(line) as { specversion: string; data: { key: number } };
    if (event.specversion !== '1.0' || event.data.key !== key) throw new Error(`bad event line: ${line}`);
  }
  return key;
}

/** One watch: records each event's delivery latency; checks key order and that nothing repeats. */
async function watch(
  base: string,
  vcenter: string,
  sentAt: Map<number, number>,
  latencies: number[],
  signal: AbortSignal,
  expected: { count: number; done: () => void },
): Promise<{ keys: number; problems: string[] }> {
  const response = await fetch(`${base}/api/v1/events?watch=true&vcenter=${vcenter}`, {
    headers: { authorization: `Bearer ${READER}` },
    signal,
  });
  if (!response.ok || !response.body) throw new Error(`watch: ${response.status}`);
  const problems: string[] = [];
  let last = 0;
  let keys = 0;
  let buffered = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body) {
      const now = performance.now();
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let start = 0;
      let newline: number;
      while ((newline = buffered.indexOf('\n', start)) >= 0) {
        const line = buffered.slice(start, newline);
        start = newline + 1;
        const key = keyOf(line);
        if (key === undefined) continue; // heartbeat
        if (key <= last) problems.push(`key ${key} after ${last}`);
        last = key;
        keys += 1;
        latencies.push(now - sentAt.get(key)!);
        if (keys === expected.count) expected.done();
      }
      buffered = buffered.slice(start);
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
  return { keys, problems };
}

async function main(): Promise<void> {
  const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `vcc_bench_events_${process.pid}`;
  await sql(server, `CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  let controller: RunningProcess | undefined;
  let dataSource: DataSource | undefined;
  try {
    const started = await startProcess('node', [join(ROOT, 'dist/apps/controller/main.js')], {
      name: 'controller',
      cwd: ROOT,
      env: {
        VCC_DATABASE_URL: databaseUrl,
        VCC_CONFIG: undefined,
        VCC_HTTP_PORT: '0',
        VCC_LOG_LEVEL: 'info',
        VCC_SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        VCC_AUTH_TOKENS: JSON.stringify([
          { name: 'bench-admin', role: 'admin', token: ADMIN },
          { name: 'bench-collector', role: 'collector', token: COLLECTOR },
          { name: 'bench-reader', role: 'reader', token: READER },
        ]),
      },
      ready: /listening on (http:\/\/[\d.]+:\d+)/,
      timeoutMs: 120_000,
    });
    controller = started.process;
    const base = started.match[1];
    log(`controller at ${base} on PostgreSQL at ${url.host}`);

    const names = [...Array.from({ length: INGEST_VCENTERS * 2 }, (_, i) => `ingest-${i}`), 'watched'];
    const ids = new Map<string, string>();
    for (const vcenter of names) {
      const created = (await call(base, ADMIN, 'POST', '/api/v1/vcenters', {
        name: vcenter,
        sdkUrl: `https://${vcenter}.example.com/sdk`,
        username: 'vcc',
        password: randomBytes(12).toString('hex'),
      })) as { id: string };
      ids.set(vcenter, created.id);
    }

    // Ingest: the limit first (EventRepository straight on the database), then through HTTP.
    const database = new DatabaseConfig();
    database.url = databaseUrl;
    dataSource = await new DataSource(dataSourceOptions(database)).initialize();
    const repository = new EventRepository(dataSource);
    log(
      `ingest: ${INGEST_VCENTERS} vCenters, one poster each, batches of ${INGEST_BATCH}, up to ${SECONDS} s per run`,
    );
    // Enough for 20,000 events/s over the run; a faster run ends early and counts its time.
    const perVcenter = Math.ceil((SECONDS * 20_000) / INGEST_VCENTERS / INGEST_BATCH);
    const prepared = Array.from({ length: INGEST_VCENTERS }, () => prepare(perVcenter));
    const direct = await ingest(SECONDS, prepared, (vcenter, events) =>
      repository.insertNew(ids.get(`ingest-${vcenter + INGEST_VCENTERS}`)!, events),
    );
    const bodies = prepared.map((batches, vcenter) =>
      batches.map((events) => JSON.stringify({ vcenter: `ingest-${vcenter}`, events })),
    );
    const http = await ingest(SECONDS, bodies, (_vcenter, body) => postRaw(base, body));
    log(
      `EventRepository.insertNew (limit)  ${direct.perSecond.toFixed(0).padStart(7)} events/s (${direct.total} events)`,
    );
    log(
      `POST /api/v1/events              ${http.perSecond.toFixed(0).padStart(7)} events/s (${http.total} events)`,
    );
    log(`ingest ratio HTTP / limit: ${(http.perSecond / direct.perSecond).toFixed(2)}`);

    // Watch: 100 watches on one vCenter while a poster sends a batch every WATCH_INTERVAL_MS.
    const sentAt = new Map<number, number>();
    const latencies: number[] = [];
    const posts: number[] = [];
    const batches = Math.floor((SECONDS * 1000) / WATCH_INTERVAL_MS);
    const total = batches * WATCH_BATCH;
    const abort = new AbortController();
    let complete = 0;
    let allDone: () => void = () => undefined;
    const everyWatchDone = new Promise<void>((resolveDone) => (allDone = resolveDone));
    const done = () => {
      complete += 1;
      if (complete === WATCHES) allDone();
    };
    const watches = Array.from({ length: WATCHES }, () =>
      watch(base, 'watched', sentAt, latencies, abort.signal, { count: total, done }),
    );
    await new Promise((resolveWait) => setTimeout(resolveWait, 1000)); // every watch open and caught up
    log(
      `watch: ${WATCHES} watches, ${WATCH_BATCH} events every ${WATCH_INTERVAL_MS} ms (${(WATCH_BATCH * 1000) / WATCH_INTERVAL_MS} events/s) for ${SECONDS} s`,
    );
    const pacer = Date.now();
    for (let i = 0; i < batches; i++) {
      const events = batch(1 + i * WATCH_BATCH, WATCH_BATCH);
      const sent = performance.now();
      for (const e of events) sentAt.set(e.key, sent);
      await call(base, COLLECTOR, 'POST', '/api/v1/events', { vcenter: 'watched', events });
      posts.push(performance.now() - sent);
      const wait = pacer + (i + 1) * WATCH_INTERVAL_MS - Date.now();
      if (wait > 0) await new Promise((resolveWait) => setTimeout(resolveWait, wait));
    }
    const timeout = setTimeout(() => abort.abort(), 30_000);
    await Promise.race([
      everyWatchDone,
      new Promise((resolveWait) => abort.signal.addEventListener('abort', resolveWait)),
    ]);
    clearTimeout(timeout);
    abort.abort();
    const results = await Promise.all(watches);
    const missing = results.filter((result) => result.keys !== total).length;
    const problems = results.flatMap((result) => result.problems);
    if (missing || problems.length)
      throw new Error(
        `${missing} watches did not get all ${total} events; ${problems.slice(0, 3).join('; ')}`,
      );
    const delivery = Float64Array.from(latencies).sort();
    const postTimes = Float64Array.from(posts).sort();
    const p50 = percentile(delivery, 50);
    const p99 = percentile(delivery, 99);
    log(
      `delivery latency p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${delivery[delivery.length - 1].toFixed(1)} ms ` +
        `(${delivery.length} deliveries, every watch got all ${total} events once, in key order)`,
    );
    log(
      `POST round trip (limit) p50 ${percentile(postTimes, 50).toFixed(1)} ms, p99 ${percentile(postTimes, 99).toFixed(1)} ms; ` +
        `delivery p99 / POST p99 ratio: ${(p99 / percentile(postTimes, 99)).toFixed(2)}`,
    );
    log(
      `targets: ingest >= ${TARGET_EVENTS_PER_SECOND} events/s: ${http.perSecond >= TARGET_EVENTS_PER_SECOND ? 'met' : 'MISSED'} ` +
        `(${(http.perSecond / TARGET_EVENTS_PER_SECOND).toFixed(2)}x); watch p99 < ${TARGET_P99_MS} ms: ` +
        `${p99 < TARGET_P99_MS ? 'met' : 'MISSED'} (${(p99 / TARGET_P99_MS).toFixed(2)} of it)`,
    );
    log(
      `events: ${http.perSecond.toFixed(0)} events/s ingested, watch p99 ${p99.toFixed(0)} ms with ${WATCHES} watchers`,
    );
  } finally {
    await dataSource?.destroy();
    await controller?.stop();
    await sql(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

runBench('events', main);
