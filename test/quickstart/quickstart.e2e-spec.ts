import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startProcess, waitFor, type RunningProcess } from '../support/processes';
import { ROOT } from '../support/root';

// The quickstart as a new user runs it (`npm run quickstart` is `npm run build` + this script; the
// e2e suite builds first), in a directory of its own, so its data, logs and embedded PostgreSQL
// are this test's. It uses the quickstart's fixed ports (8080–8083, 8989, 5488).
const PORTS = [8080, 8081, 8082, 8083, 8989, 5488];
const ADMIN = { authorization: 'Bearer quickstart-admin-token-not-for-production' };
const AGGREGATOR = 'http://127.0.0.1:8082';

/** The processes whose working directory or command line is under `dir`. */
function processesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cwd.startsWith(dir) || command.includes(dir)) found.push(`${pid} ${command.slice(0, 120)}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

function lineProtocolLines(dir: string): number {
  const data = join(dir, 'data/quickstart');
  return readdirSync(data)
    .filter((name) => name.endsWith('.lp'))
    .reduce(
      (sum, name) => sum + readFileSync(join(data, name), 'utf8').split('\n').filter(Boolean).length,
      0,
    );
}

describe('npm run quickstart', () => {
  let dir: string;
  let quickstart: RunningProcess | undefined;

  beforeAll(async () => {
    for (const port of PORTS) expect({ port, inUse: await listening(port) }).toEqual({ port, inUse: false });
    dir = mkdtempSync(join(tmpdir(), 'vcc-quickstart-'));
  });

  afterAll(async () => {
    await quickstart?.stop(60_000);
    rmSync(dir, { recursive: true, force: true });
  });

  it('has samples in the sink and chargeback rows within a minute, and Ctrl-C leaves no process behind', async () => {
    const started = performance.now();
    ({ process: quickstart } = await startProcess('node', [resolve(ROOT, 'scripts/quickstart.js')], {
      name: 'quickstart',
      cwd: dir,
      env: { VCC_SINKS: undefined },
      ready: /quickstart: collectors write/,
      timeoutMs: 180_000,
    }));
    // From here the collectors start: what a user waits for once the apps are up (before it,
    // PostgreSQL's first initialisation and the apps' start).
    const collecting = (performance.now() - started) / 1000;

    await waitFor(
      'samples in the quickstart files',
      async () => (lineProtocolLines(dir) > 0 ? true : undefined),
      60_000,
    );
    const samples = (performance.now() - started) / 1000;
    const days = [3, 2, 1].map((back) => new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10));
    const totals = await waitFor(
      'the simulated days on the daily totals page',
      async () => {
        const reply = await fetch(`${AGGREGATOR}/pages/totals`, { headers: ADMIN });
        const page = await reply.text();
        // One table row per day, each with a VM count that links to the rows behind it.
        const rows = days.filter((day) =>
          new RegExp(
            `<td>${day}</td>\\s*<td>simulator</td>\\s*<td class="n"><a href="/pages/daily[^"]*">[1-9]`,
          ).test(page),
        );
        return reply.status === 200 && rows.length === days.length ? rows : undefined;
      },
      60_000,
    );
    const rows = (performance.now() - started) / 1000;
    console.log(
      `quickstart: collectors started ${collecting.toFixed(1)} s after the start; first samples ` +
        `${(samples - collecting).toFixed(1)} s and ${totals.length} days of totals ${(rows - collecting).toFixed(1)} s later (limit 60 s)`,
    );
    expect(samples - collecting).toBeLessThan(60);
    expect(rows - collecting).toBeLessThan(60);
    expect(quickstart.output()).toMatch(/SIMULATED history/);

    quickstart.child.kill('SIGINT');
    expect(await quickstart.exited).toBe(0);
    expect(quickstart.output()).toMatch(/quickstart: stopped/);
    expect(processesUnder(dir)).toEqual([]);
    for (const port of PORTS) expect({ port, inUse: await listening(port) }).toEqual({ port, inUse: false });
    expect(statSync(join(dir, 'data/quickstart/logs/aggregator.log')).size).toBeGreaterThan(0);
  });
});
