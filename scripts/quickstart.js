#!/usr/bin/env node
// npm run quickstart: the whole vcc cluster on one machine, from the built dist/ —
// the vcc simulator as the vCenter, the controller on an embedded PostgreSQL (./data/postgres), two
// collectors writing line protocol to ./data/quickstart/metrics-<n>.lp (or to a local InfluxDB or
// VictoriaMetrics: offered when one answers on its usual port, or named in VCC_SINKS), and the
// aggregator with its pages. On the first run it posts a few days of simulated hourly snapshots, so
// that the chargeback pages, reports and totals have history within a minute.
// Data, logs and reports live under ./data of the current directory. Each app logs JSON lines to
// ./data/quickstart/logs/<name>.log; this terminal shows progress. Ctrl-C stops everything cleanly
// (collectors first, then the aggregator, the controller with its PostgreSQL, and the simulator).
'use strict';
const { spawn } = require('node:child_process');
const { createWriteStream, mkdirSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { createInterface } = require('node:readline');

const root = resolve(__dirname, '..');
const cwd = process.cwd();
const logs = join(cwd, 'data/quickstart/logs');
const reports = join(cwd, 'data/quickstart/reports');
mkdirSync(logs, { recursive: true });
const running = [];
let stopping = false;
/** The sink in config/quickstart/collector.yaml, with a path per collector. */
const FILE_SINK = { type: 'file', maxBytes: 104857600, maxFiles: 3 };
const fileOf = (n) => join(cwd, `data/quickstart/metrics-${n}.lp`);
const CONTROLLER = 'http://127.0.0.1:8080';
const AGGREGATOR = 'http://127.0.0.1:8082';
// The published quickstart tokens of config/quickstart/*.yaml.
const ADMIN_TOKEN = 'quickstart-admin-token-not-for-production';
const COLLECTOR_TOKEN = 'quickstart-collector-token-not-for-production';
const HISTORY_DAYS = 3;
// The embedded PostgreSQL of config/quickstart/controller.yaml (its fixed local user).
const DATABASE_URL = 'postgres://vcc:vcc@127.0.0.1:5488/vcc';

function say(message) {
  process.stdout.write(`quickstart: ${message}\n`);
}

/** Starts an app from dist/, its JSON log lines into a file; calls onLine for each parsed line. */
function start(name, app, config, env, onLine) {
  const child = spawn(
    process.execPath,
    [join(root, 'dist/apps', app, 'main.js'), '--config', join(root, config)],
    {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // our own process group: Ctrl-C reaches us, and we stop the apps in order
    },
  );
  const log = createWriteStream(join(logs, `${name}.log`), { flags: 'a' });
  let rest = '';
  const onData = (chunk) => {
    log.write(chunk);
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      try {
        onLine?.(JSON.parse(line));
      } catch {
        if (line.trim()) say(`${name}: ${line}`);
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((done) =>
    child.once('exit', (code, signal) => {
      log.end();
      if (!stopping) {
        say(
          `${name} stopped unexpectedly (${signal ?? `exit code ${code}`}); see ${join(logs, `${name}.log`)}`,
        );
        void stopAll(1);
      }
      done();
    }),
  );
  const entry = { name, child, exited };
  running.push(entry);
  return entry;
}

/** An HTTP(S) request that accepts the simulator's self-signed certificate; never rejects (status 0). */
function request(url, { method = 'GET', token, body } = {}) {
  const { request: send } = require(url.startsWith('https:') ? 'node:https' : 'node:http');
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers = {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
  };
  return new Promise((done) => {
    const req = send(url, { method, headers, rejectUnauthorized: false }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        done({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', () => done({ status: 0, headers: {}, text: '' }));
    req.end(payload);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, seconds, check) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (stopping) throw new Error('stopping');
    const value = await check();
    if (value) return value;
    await sleep(500);
  }
  throw new Error(`${what} within ${seconds} s; see the logs in ${logs}`);
}

const waitForHealth = (name, url, seconds = 120) =>
  waitFor(`${name} did not answer on ${url}`, seconds, async () =>
    [200, 503].includes((await request(url)).status),
  );

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  say('stopping (collectors, the aggregator, the controller and its PostgreSQL, then the simulator)…');
  for (const order of [['collector-1', 'collector-2'], ['aggregator'], ['controller'], ['simulator']]) {
    const group = running.filter((entry) => order.includes(entry.name));
    for (const entry of group) if (entry.child.exitCode === null) entry.child.kill('SIGTERM');
    await Promise.all(group.map((entry) => entry.exited));
  }
  say('stopped');
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

/** Asks a yes/no question on a terminal; no after `seconds` without an answer. */
function ask(question, seconds) {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  rl.on('SIGINT', () => void stopAll(0)); // readline takes Ctrl-C from the terminal while it asks
  return new Promise((done) => {
    const timer = setTimeout(() => {
      process.stdout.write('\n');
      rl.close();
      done(false);
    }, seconds * 1000);
    rl.question(question, (answer) => {
      clearTimeout(timer);
      rl.close();
      done(/^y(es)?$/i.test(answer.trim()));
    });
  });
}

/**
 * The sinks to give the collectors: VCC_SINKS when set; else a local InfluxDB 1.x (8086) or
 * VictoriaMetrics (8428) when one answers and the user says yes on the terminal; else none (each
 * collector writes its own file).
 */
async function chooseSinks() {
  if (process.env.VCC_SINKS) return process.env.VCC_SINKS;
  const influx = await request('http://127.0.0.1:8086/ping');
  const influxVersion = String(influx.headers['x-influxdb-version'] ?? '');
  const victoria = influx.status === 204 ? { status: 0 } : await request('http://127.0.0.1:8428/health');
  let found;
  if (influx.status === 204 && influxVersion.startsWith('1.'))
    found = {
      what: `InfluxDB ${influxVersion} on http://127.0.0.1:8086`,
      sink: { type: 'influxdb-v1', url: 'http://127.0.0.1:8086', database: 'vcc' },
      prepare: () => request('http://127.0.0.1:8086/query?q=CREATE%20DATABASE%20vcc', { method: 'POST' }),
    };
  else if (victoria.status === 200)
    found = {
      what: 'VictoriaMetrics on http://127.0.0.1:8428',
      // VictoriaMetrics accepts InfluxDB's v2 write API and ignores token, org and bucket.
      sink: { type: 'influxdb-v2', url: 'http://127.0.0.1:8428', token: 'unused', org: 'vcc', bucket: 'vcc' },
      prepare: async () => undefined,
    };
  else {
    if (influx.status === 204)
      say(
        `InfluxDB ${influxVersion || '2.x'} answers on :8086; to write there, give its token: VCC_SINKS='[{"type":"influxdb-v2","url":"http://127.0.0.1:8086","token":"…","org":"…","bucket":"…"}]' npm run quickstart`,
      );
    return undefined;
  }
  const sinks = JSON.stringify([found.sink]);
  if (!process.stdin.isTTY) {
    say(`${found.what} answers: to write the samples there, run with VCC_SINKS='${sinks}'`);
    return undefined;
  }
  if (!(await ask(`quickstart: ${found.what} answers; write the samples there instead of files? [y/N] `, 20)))
    return undefined;
  await found.prepare();
  return sinks;
}

/**
 * Fills the days before the current hour with simulated hourly snapshots of vCenter "simulator",
 * posted through the controller's ingest API as collectors post theirs: the live inventory of the
 * first snapshot, varied per hour (some VMs created during those days, some resized, some powered
 * off at night), so that the daily totals and traces have something to show. Only on the first run.
 */
async function simulateHistory() {
  const { Client } = require('pg');
  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  try {
    const { rows: snapshots } = await db.query(
      `SELECT s.vcenter_id, s.snapshot_time FROM inventory_snapshot s JOIN vcenter v ON v.id = s.vcenter_id
        WHERE v.name = 'simulator' ORDER BY s.snapshot_time`,
    );
    if (snapshots.length !== 1) return []; // history exists already (an earlier run)
    const [{ vcenter_id: vcenterId, snapshot_time: latest }] = snapshots;
    const { rows: vms } = await db.query(
      `SELECT moref, name, uuid, instance_uuid AS "instanceUuid", power_state AS "powerState", template, vcpus,
              memory_mb AS "memoryMb", provisioned_disk_gb::float8 AS "provisionedDiskGb", host_moref AS "hostMoref",
              host_name AS "hostName", cluster_name AS "clusterName", datacenter_name AS "datacenterName",
              resource_pool_name AS "resourcePoolName", folder_path AS "folderPath", guest_os AS "guestOs",
              srm_placeholder AS "srmPlaceholder", cloud_id AS "cloudId"
         FROM inventory_vm WHERE vcenter_id = $1 AND snapshot_time = $2 ORDER BY moref`,
      [vcenterId, latest],
    );
    const { rows: hosts } = await db.query(
      `SELECT moref, name, cluster_name AS "clusterName", datacenter_name AS "datacenterName", cpu_cores AS "cpuCores",
              cpu_sockets AS "cpuSockets", cpu_mhz AS "cpuMhz", memory_mb AS "memoryMb",
              connection_state AS "connectionState", power_state AS "powerState", in_maintenance AS "inMaintenance"
         FROM inventory_host WHERE vcenter_id = $1 AND snapshot_time = $2 ORDER BY moref`,
      [vcenterId, latest],
    );
    const hours = HISTORY_DAYS * 24 + latest.getUTCHours();
    const first = latest.getTime() - hours * 3_600_000;
    say(
      `posting ${hours} hours of SIMULATED history (the live inventory of ${vms.length} VMs, varied) so that the pages have data…`,
    );
    const post = async (hour) => {
      const snapshotTime = new Date(first + hour * 3_600_000);
      const night = snapshotTime.getUTCHours() < 6;
      const rows = vms
        // one VM in 10 was created during the simulated days
        .filter((vm, i) => i % 10 !== 0 || hour >= (i * 7) % hours)
        .map((vm, i) => ({
          ...vm,
          createdAt: null,
          // one VM in 8 had half its vCPUs before the middle of the history
          vcpus: i % 8 === 0 && hour < hours / 2 ? Math.max(1, Math.floor(vm.vcpus / 2)) : vm.vcpus,
          // one in 6 is powered off at night
          powerState: i % 6 === 0 && night ? 'poweredOff' : vm.powerState,
        }));
      const reply = await request(`${CONTROLLER}/api/v1/inventory/snapshots`, {
        method: 'POST',
        token: COLLECTOR_TOKEN,
        body: {
          vcenter: 'simulator',
          snapshotTime: snapshotTime.toISOString(),
          epoch: 0,
          groupIndex: 0,
          groupCount: 1,
          vms: rows,
          hosts,
        },
      });
      if (reply.status !== 200)
        throw new Error(
          `posting the simulated snapshot of ${snapshotTime.toISOString()}: ${reply.status} ${reply.text}`,
        );
    };
    // A few posts at a time: one at a time waits on the controller's round trips, not its work.
    for (let hour = 0; hour < hours; hour += 4)
      await Promise.all([0, 1, 2, 3].filter((k) => hour + k < hours).map((k) => post(hour + k)));
    return Array.from({ length: HISTORY_DAYS }, (_, d) =>
      new Date(first + d * 86_400_000).toISOString().slice(0, 10),
    );
  } finally {
    await db.end();
  }
}

/** Aggregates `days` through the aggregator's API and waits for the jobs to end. */
async function aggregate(days) {
  for (const date of days) {
    const queued = await request(`${AGGREGATOR}/api/v1/aggregations`, {
      method: 'POST',
      token: ADMIN_TOKEN,
      body: { type: 'daily', date },
    });
    if (queued.status !== 202) throw new Error(`aggregating ${date}: ${queued.status} ${queued.text}`);
    const { id } = JSON.parse(queued.text);
    await waitFor(`the daily aggregation of ${date} did not end`, 120, async () => {
      const job = JSON.parse(
        (await request(`${AGGREGATOR}/api/v1/aggregations/${id}`, { token: ADMIN_TOKEN })).text,
      );
      if (job.state === 'failed') throw new Error(`the daily aggregation of ${date} failed: ${job.error}`);
      return job.state === 'succeeded';
    });
  }
}

async function main() {
  start('controller', 'controller', 'config/quickstart/controller.yaml', {});
  await waitForHealth('controller', `${CONTROLLER}/health`, 180);
  say(`controller ready on ${CONTROLLER} (API docs at /api/docs; PostgreSQL embedded under ./data/postgres)`);
  // The aggregator uses the PostgreSQL the controller started; it starts while the collectors do.
  start('aggregator', 'aggregator', 'config/quickstart/aggregator.yaml', {}, (line) => {
    if (line.level === 'error') say(`aggregator: ${line.message}`);
  });
  start('simulator', 'simulator', 'config/quickstart/simulator.yaml', {});
  await waitForHealth('simulator', 'https://127.0.0.1:8989/health');
  say('simulator ready: a vCenter at https://127.0.0.1:8989/sdk (user/pass) with 200 VMs');
  const sinks = await chooseSinks();
  for (const n of [1, 2]) {
    start(
      `collector-${n}`,
      'collector',
      'config/quickstart/collector.yaml',
      {
        VCC_MEMBER_NAME: `quickstart-${n}`,
        VCC_HTTP_PORT: String(8080 + 2 * n - 1),
        // A file has one writer: two processes appending to one file would interleave their lines.
        VCC_SINKS: sinks ?? JSON.stringify([{ ...FILE_SINK, path: fileOf(n) }]),
      },
      (line) => {
        const message = String(line.message ?? '');
        if (/^(assignment:|realtime cycle|historical cycle)/.test(message) || line.level === 'error')
          say(`collector-${n}: ${message}`);
      },
    );
  }
  say(
    sinks
      ? `collectors write to ${sinks}`
      : `collectors write line protocol to ${fileOf(1)} and ${fileOf(2)}`,
  );
  await waitForHealth('aggregator', `${AGGREGATOR}/health`);
  await waitFor('no complete inventory snapshot from the collectors', 120, async () => {
    const reply = await request(`${CONTROLLER}/api/v1/inventory/snapshots?vcenter=simulator&limit=1`, {
      token: ADMIN_TOKEN,
    });
    return reply.status === 200 && JSON.parse(reply.text).some((snapshot) => snapshot.complete);
  });
  const days = await simulateHistory();
  if (days.length) {
    await aggregate(days);
    say(
      `simulated history posted and aggregated: ${days[0]} to ${days.at(-1)}; real snapshots follow every hour`,
    );
  }
  say('ready:');
  say(`  API docs      ${CONTROLLER}/api/docs (controller), ${AGGREGATOR}/api/docs (aggregator)`);
  say(`  pages         ${AGGREGATOR}/pages (log in with quickstart-reader-token-not-for-production)`);
  say(
    `  metrics       ${CONTROLLER}/metrics, ${AGGREGATOR}/metrics, collectors http://127.0.0.1:8081/metrics and :8083/metrics`,
  );
  say(`  reports       ${reports}`);
  say(`  samples       ${sinks ? sinks : `${fileOf(1)} and ${fileOf(2)}`}`);
  say(`  logs          ${logs}; Ctrl-C stops everything`);
}

main().catch((error) => {
  if (stopping) return;
  say(`failed: ${error.message}`);
  void stopAll(1);
});
