#!/usr/bin/env node
// npm run quickstart: the whole vcc cluster on one machine, from the built dist/ —
// the vcc simulator as the vCenter, the controller on an embedded PostgreSQL (./data/postgres) and
// two collectors writing line protocol to ./data/quickstart/metrics-<n>.lp, or to InfluxDB when VCC_SINKS
// says so. Each app logs JSON lines to ./data/quickstart/logs/<name>.log; this terminal shows
// progress. Ctrl-C stops everything cleanly (collectors first, then the controller, then the simulator).
'use strict';
const { spawn } = require('node:child_process');
const { createWriteStream, mkdirSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const logs = join(root, 'data/quickstart/logs');
mkdirSync(logs, { recursive: true });
const running = [];
let stopping = false;
/** The sink in config/quickstart/collector.yaml, with a path per collector. */
const FILE_SINK = { type: 'file', maxBytes: 104857600, maxFiles: 3 };
const fileOf = (n) => join(root, `data/quickstart/metrics-${n}.lp`);

function say(message) {
  process.stdout.write(`quickstart: ${message}\n`);
}

/** Starts an app from dist/, its JSON log lines into a file; calls onLine for each parsed line. */
function start(name, app, config, env, onLine) {
  const child = spawn(
    process.execPath,
    [join(root, 'dist/apps', app, 'main.js'), '--config', join(root, config)],
    {
      cwd: root,
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

/** GET that accepts the simulator's self-signed certificate; resolves with the status, or 0. */
function status(url) {
  const { get } = require(url.startsWith('https:') ? 'node:https' : 'node:http');
  return new Promise((done) => {
    const req = get(url, { rejectUnauthorized: false }, (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    });
    req.on('error', () => done(0));
  });
}

async function waitForHealth(name, url, seconds = 120) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if ([200, 503].includes(await status(url))) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not answer on ${url} within ${seconds} s; see ${logs}`);
}

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  say('stopping (collectors, then the controller and its PostgreSQL, then the simulator)…');
  for (const order of [['collector-1', 'collector-2'], ['controller'], ['simulator']]) {
    const group = running.filter((entry) => order.includes(entry.name));
    for (const entry of group) if (entry.child.exitCode === null) entry.child.kill('SIGTERM');
    await Promise.all(group.map((entry) => entry.exited));
  }
  say('stopped');
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

async function main() {
  const sinks = process.env.VCC_SINKS;
  start('controller', 'controller', 'config/quickstart/controller.yaml', {});
  await waitForHealth('controller', 'http://127.0.0.1:8080/health', 180);
  say(
    'controller ready on http://127.0.0.1:8080 (API docs at /api/docs; PostgreSQL embedded under ./data/postgres)',
  );
  start('simulator', 'simulator', 'config/quickstart/simulator.yaml', {});
  await waitForHealth('simulator', 'https://127.0.0.1:8989/health');
  say('simulator ready: a vCenter at https://127.0.0.1:8989/sdk (user/pass) with 200 VMs');
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
      ? `collectors write to the sinks in VCC_SINKS: ${sinks}`
      : `collectors write line protocol to ${fileOf(1)} and ${fileOf(2)} (set VCC_SINKS to write to InfluxDB instead)`,
  );
  say(
    'collectors on http://127.0.0.1:8081 and :8083 (/health, /metrics); logs in ./data/quickstart/logs; Ctrl-C stops everything',
  );
}

main().catch((error) => {
  say(`failed: ${error.message}`);
  void stopAll(1);
});
