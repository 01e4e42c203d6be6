/**
 * Heartbeat throughput of one controller with 500 registered collectors, over loopback.
 *
 * Starts PostgreSQL (a fresh database on $DATABASE_URL or on 127.0.0.1:5432; else the controller's
 * embedded server) and the built controller, creates 4 vCenters, registers 500 collectors, then
 * drives heartbeats with autocannon, rotating through all 500 collector ids, each carrying
 * last-cycle stats. A /health run against the same server in the same run is the baseline: it shows
 * what the HTTP stack, the auth-free path and this machine allow, so the heartbeat figure reads as
 * a ratio of it. Run with `npm run bench:controller` (BENCH_SECONDS sets each run's length).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { freePort, startProcess, type RunningProcess } from '../../test/support/processes';
import { runBench } from '../run-bench';

// autocannon ships no types, and bench/simulator declares the module for its own narrower use; a
// typed require keeps the two benchmarks independent.
interface Histogram {
  average: number;
  p50: number;
  p99: number;
  max: number;
}
interface BenchResult {
  requests: Histogram & { total: number };
  latency: Histogram;
  errors: number;
  non2xx: number;
}
interface BenchRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: BenchRequest) => BenchRequest;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  requests?: BenchRequest[];
}) => Promise<BenchResult>;

const ROOT = resolve(__dirname, '../../..');
const COLLECTORS = 500;
const VCENTERS = 4;
const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ADMIN = randomBytes(24).toString('hex');
const COLLECTOR = randomBytes(24).toString('hex');

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database on a PostgreSQL server, or the controller's embedded one when none answers. */
async function database(): Promise<{ env: Record<string, string>; label: string; drop(): Promise<void> }> {
  const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await answers(server)) {
    const name = `vcc_bench_${process.pid}`;
    await admin(server, `CREATE DATABASE "${name}"`);
    const url = new URL(server);
    url.pathname = `/${name}`;
    return {
      env: { VCC_DATABASE_URL: url.toString() },
      label: `PostgreSQL at ${url.host}`,
      drop: () => admin(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'vcc-bench-'));
  chmodSync(dir, 0o755); // the embedded server runs as the postgres user when we are root
  return {
    env: {
      VCC_DATABASE_EMBEDDED_DATA_DIR: join(dir, 'pg'),
      VCC_DATABASE_EMBEDDED_PORT: String(await freePort()),
    },
    label: 'the embedded PostgreSQL',
    drop: async () => undefined,
  };
}

async function call<T>(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function main(): Promise<void> {
  const db = await database();
  let controller: RunningProcess | undefined;
  try {
    const started = await startProcess('node', [join(ROOT, 'dist/apps/controller/main.js')], {
      name: 'controller',
      cwd: ROOT,
      env: {
        ...db.env,
        VCC_CONFIG: undefined,
        VCC_HTTP_PORT: '0',
        VCC_LOG_LEVEL: 'info', // the readiness line is at info; heartbeats log nothing at info
        VCC_SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        VCC_AUTH_TOKENS: JSON.stringify([
          { name: 'bench-admin', role: 'admin', token: ADMIN },
          { name: 'bench-collector', role: 'collector', token: COLLECTOR },
        ]),
        // Leases outlast the run, so the reaper changes nothing while heartbeats are measured.
        VCC_MEMBERSHIP_HEARTBEAT_INTERVAL_SECONDS: '300',
        VCC_MEMBERSHIP_REGISTER_LIMIT_PER_MINUTE: String(COLLECTORS * 2),
      },
      ready: /listening on (http:\/\/[\d.]+:\d+)/,
      timeoutMs: 120_000,
    });
    controller = started.process;
    const base = started.match[1];
    log(`controller at ${base} on ${db.label}`);

    for (let i = 0; i < VCENTERS; i++) {
      await call(base, ADMIN, 'POST', '/api/v1/vcenters', {
        name: `vc-${i}`,
        sdkUrl: `https://vc-${i}.example.com/sdk`,
        username: 'vcc',
        password: randomBytes(12).toString('hex'),
      });
    }
    const ids: string[] = [];
    const registerStarted = Date.now();
    for (let batch = 0; batch < COLLECTORS; batch += 10) {
      const replies = await Promise.all(
        Array.from({ length: Math.min(10, COLLECTORS - batch) }, (_, i) =>
          call<{ collectorId: string }>(base, COLLECTOR, 'POST', '/api/v1/collectors/register', {
            name: `collector-${batch + i}`,
            version: 'bench',
          }),
        ),
      );
      ids.push(...replies.map((reply) => reply.collectorId));
    }
    const registerSeconds = (Date.now() - registerStarted) / 1000;
    log(
      `registered ${ids.length} collectors on ${VCENTERS} vCenters in ${registerSeconds.toFixed(1)} s (${(ids.length / registerSeconds).toFixed(0)}/s, each one epoch bump)`,
    );

    const stats = JSON.stringify({
      stats: {
        cycleStart: new Date().toISOString(),
        entitiesAssigned: 400,
        entitiesCollected: 400,
        points: 22_000,
        durationMs: 4200,
        errors: 0,
      },
    });
    let next = 0;
    const heartbeat = {
      url: base,
      connections: CONNECTIONS,
      requests: [
        {
          method: 'POST',
          headers: { authorization: `Bearer ${COLLECTOR}`, 'content-type': 'application/json' },
          body: stats,
          setupRequest: (request: BenchRequest) => ({
            ...request,
            path: `/api/v1/collectors/${ids[next++ % ids.length]}/heartbeat`,
          }),
        },
      ],
    };
    const health = { url: `${base}/health`, connections: CONNECTIONS };

    log(
      `warming up for 2 s, then ${SECONDS} s each of GET /health and POST heartbeats with ${CONNECTIONS} connections`,
    );
    await autocannon({ ...heartbeat, duration: 2 });
    const baseline = await autocannon({ ...health, duration: SECONDS });
    const beats = await autocannon({ ...heartbeat, duration: SECONDS });
    for (const [name, result] of [
      ['GET /health', baseline],
      ['POST heartbeat', beats],
    ] as const) {
      log(
        `${name.padEnd(15)} ${result.requests.average.toFixed(0).padStart(6)} req/s  ` +
          `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms  ` +
          `(${result.requests.total} requests, ${result.non2xx} non-2xx, ${result.errors} errors)`,
      );
      if (result.non2xx || result.errors)
        throw new Error(`${name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    }
    const ratio = beats.requests.average / baseline.requests.average;
    log(`heartbeat / health throughput ratio: ${ratio.toFixed(2)}`);
    log(
      `controller: ${beats.requests.average.toFixed(0)} heartbeats/s, p99 ${beats.latency.p99} ms with ${ids.length} collectors ` +
        `(${ratio.toFixed(2)} of /health's ${baseline.requests.average.toFixed(0)} req/s on the same server)`,
    );
  } finally {
    await controller?.stop();
    await db.drop();
  }
}

runBench('controller', main);
