import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { RunningApp } from '../../support/apps';
import { parseLine } from '../../support/line-protocol';
import { startInfluxDb, type TimeSeriesServer } from '../../support/time-series';
import {
  ADMIN_TOKEN,
  Cluster,
  createInfluxDatabase,
  gaps,
  readPoints,
  realtimeEntities,
  wrongValues,
} from '../../collector/cluster';

/**
 * The clock of these tests: vCenter's time divided by 5 (VCC_TEST_TIME_SCALE=5), so samples and
 * realtime cycles are 4 s apart; membership on the collector e2e harness's short clock: heartbeats
 * every 2 s, a lease of 3 missed heartbeats (6 s), a new epoch at the first cycle boundary at
 * least a heartbeat and 1 s of margin after the change (3 s: less than a cycle, as production's
 * 10 s + 5 s on a 20 s or longer cycle), and the reaper looking for expired leases every second.
 * On the collector e2e clock (scale 10, 2 s cycles) the lead would be longer than a cycle; and a
 * 1 s heartbeat with a 3 s lease expires live collectors when other tests load the 2-core machine.
 */
export const TIME_SCALE = 5;
export const SAMPLE_SECONDS = 20 / TIME_SCALE;
export const HEARTBEAT_SECONDS = 2;
export const MISSED_HEARTBEATS = 3;
export const LEASE_SECONDS = HEARTBEAT_SECONDS * MISSED_HEARTBEATS;
export const MARGIN_SECONDS = 1;
export const REAPER_SECONDS = 1;
const TIME_SCALE_ENV = { VCC_TEST_TIME_SCALE: String(TIME_SCALE) };

/** Reads a request's whole body. */
async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Hop-by-hop and length headers a forwarding proxy must not copy: fetch sets its own. */
const NOT_FORWARDED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

function forwardedHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (!NOT_FORWARDED.has(name) && typeof value === 'string') result[name] = value;
  return result;
}

/** Sends `request` with `payload` to `target` and copies the answer back. */
async function forward(
  target: URL,
  request: IncomingMessage,
  payload: Buffer,
  response: ServerResponse,
): Promise<number> {
  const answer = await fetch(target, {
    method: request.method,
    headers: forwardedHeaders(request.headers),
    body: payload.length > 0 ? payload : undefined,
  });
  const text = Buffer.from(await answer.arrayBuffer());
  const headers: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    if (!NOT_FORWARDED.has(name) && name !== 'content-encoding') headers[name] = value;
  });
  response.writeHead(answer.status, headers).end(text);
  return answer.status;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    }),
  );
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * The sink as each collector sees it: an HTTP proxy in front of InfluxDB's `/write`, one path
 * prefix per collector (`/<name>/write`), that records every line it passes on. It tells which
 * collector wrote which entity's sample, which InfluxDB (it keeps one value per series and time)
 * cannot.
 */
export class SinkRecorder {
  /** Per `moid@time`, the collectors that wrote any line for it, in order (repeats included). */
  readonly writers = new Map<string, string[]>();
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(influx: TimeSeriesServer): Promise<SinkRecorder> {
    const server = createServer();
    const recorder = new SinkRecorder(server, await listen(server));
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      void (async () => {
        const [, name, rest] = /^\/([^/]+)(\/.*)$/.exec(request.url ?? '') ?? [];
        const payload = await body(request);
        const status = await forward(new URL(rest, influx.url), request, payload, response);
        if (status < 300) recorder.record(name, payload, request.headers['content-encoding'] === 'gzip');
      })().catch((error: Error) => response.writeHead(502).end(error.message));
    });
    return recorder;
  }

  private record(collector: string, payload: Buffer, gzipped: boolean): void {
    const text = (gzipped ? gunzipSync(payload) : payload).toString('utf8');
    // One entity's sample time is several lines (one per measurement and instance): count it once per write.
    const seen = new Set<string>();
    for (const line of text.split('\n').filter(Boolean)) {
      const parsed = parseLine(line);
      if (!/^vsphere_(vm|host)_/.test(parsed.measurement)) continue;
      seen.add(`${parsed.tags.moid}@${parsed.timestamp}`);
    }
    for (const key of seen) this.writers.set(key, [...(this.writers.get(key) ?? []), collector]);
  }

  /** The newest entity sample time `collector` wrote, or undefined. */
  latestWrittenBy(collector: string): number | undefined {
    const times = [...this.writers]
      .filter(([, by]) => by.includes(collector))
      .map(([key]) => Number(key.split('@')[1]));
    return times.length ? Math.max(...times) : undefined;
  }

  /** Entity samples written more than once, by one collector or several: `moid@time: c1,c2`. */
  writtenTwice(): string[] {
    return [...this.writers]
      .filter(([, by]) => by.length > 1)
      .map(([key, by]) => `${key}: ${by.join(',')}`)
      .sort();
  }

  clear(): void {
    this.writers.clear();
  }

  stop(): Promise<void> {
    return close(this.server);
  }
}

/**
 * A collector's view of the controller through a proxy the test controls: passing everything,
 * or cutting off heartbeats (the connection is reset, as by a broken network path) while the
 * collector keeps its vCenter and sink.
 */
export class ControllerProxy {
  refuseHeartbeats = false;
  /** When the last heartbeat the controller answered with 200 arrived here (ms): after the collector sent it. */
  lastRenewalMs = 0;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(controllerUrl: string): Promise<ControllerProxy> {
    const server = createServer();
    const proxy = new ControllerProxy(server, await listen(server));
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      void (async () => {
        const heartbeat = /^\/api\/v1\/collectors\/[^/]+\/heartbeat$/.test(request.url ?? '');
        if (heartbeat && proxy.refuseHeartbeats) {
          request.socket.destroy();
          return;
        }
        const arrivedMs = Date.now();
        const payload = await body(request);
        const status = await forward(new URL(request.url!, controllerUrl), request, payload, response);
        if (heartbeat && status === 200) proxy.lastRenewalMs = arrivedMs;
      })().catch((error: Error) => response.writeHead(502).end(error.message));
    });
    return proxy;
  }

  stop(): Promise<void> {
    return close(this.server);
  }
}

/** One start of a collector: restarting a name makes a new run, with its own logs. */
export interface Run {
  name: string;
  /** `name`, or `name#2`, `name#3` for later starts. */
  label: string;
  app: RunningApp;
}

/** One realtime cycle boundary (epoch seconds) and what each run said it owned then. */
export type Ownership = Map<number, Map<string, string[]>>;

/**
 * The cluster of test/collector/cluster.ts for the membership fault tests: the simulator, the
 * controller on the short membership clock above, InfluxDB 1.6 behind the recording sink proxy,
 * and the collectors of the current test. One cluster serves a whole file; `reset` stops the
 * collectors between tests.
 */
export class MembershipCluster {
  runs: Run[] = [];
  private constructor(
    readonly cluster: Cluster,
    readonly influx: TimeSeriesServer,
    readonly recorder: SinkRecorder,
    readonly entities: string[],
  ) {}

  static async start(): Promise<MembershipCluster> {
    const influx = await startInfluxDb();
    await createInfluxDatabase(influx);
    const recorder = await SinkRecorder.start(influx);
    const cluster = await Cluster.start({
      sink: { kind: 'influxdb-v1', server: influx },
      realtimeIntervalSeconds: SAMPLE_SECONDS,
      simulator: TIME_SCALE_ENV,
      collector: TIME_SCALE_ENV,
      controller: {
        ...TIME_SCALE_ENV,
        VCC_MEMBERSHIP_HEARTBEAT_INTERVAL_SECONDS: String(HEARTBEAT_SECONDS),
        VCC_MEMBERSHIP_MISSED_HEARTBEATS: String(MISSED_HEARTBEATS),
        VCC_MEMBERSHIP_REAPER_INTERVAL_SECONDS: String(REAPER_SECONDS),
        VCC_MEMBERSHIP_BOUNDARY_MARGIN_SECONDS: String(MARGIN_SECONDS),
      },
    });
    return new MembershipCluster(cluster, influx, recorder, await realtimeEntities(cluster.vcenter));
  }

  get controller(): RunningApp {
    return this.cluster.controller;
  }

  /** Starts a collector writing through the recorder as `name`; `env` overrides its settings. */
  async startCollector(name: string, env: Record<string, string> = {}): Promise<Run> {
    const app = await this.cluster.startCollector(name, {
      VCC_SINKS: JSON.stringify([
        // vcc's schema: the checks compare each value with the simulator's function of it, under one instance tag.
        { type: 'influxdb-v1', url: `${this.recorder.url}/${name}`, database: 'vcc', schema: 'vcc' },
      ]),
      ...env,
    });
    const starts = this.runs.filter((r) => r.name === name).length;
    const run = { name, label: starts === 0 ? name : `${name}#${starts + 1}`, app };
    this.runs.push(run);
    return run;
  }

  run(label: string): Run {
    const run = this.runs.find((r) => r.label === label);
    if (!run) throw new Error(`no run ${label}`);
    return run;
  }

  /** Which run owned which entities in each realtime cycle, from the collectors' debug lines. */
  ownership(): Ownership {
    const byBoundary: Ownership = new Map();
    for (const run of this.runs) {
      for (const line of run.app.logs()) {
        const match = /^owned realtime (\S+) epoch \d+: (.*)$/.exec(String(line.message));
        if (!match) continue;
        const boundary = Date.parse(match[1]) / 1000;
        const cycle = byBoundary.get(boundary) ?? new Map<string, string[]>();
        cycle.set(run.label, match[2] ? match[2].split(',') : []);
        byBoundary.set(boundary, cycle);
      }
    }
    return byBoundary;
  }

  /**
   * The first and last realtime boundary at which `label` was collecting: it ran the cycle, or
   * skipped it because the one before was still running. [Infinity, -Infinity] if none.
   */
  span(label: string): [number, number] {
    const boundaries = this.run(label)
      .app.logs()
      .map((line) =>
        /^(?:owned realtime (\S+) epoch|realtime cycle at (\S+) skipped)/.exec(String(line.message)),
      )
      .filter((match) => match !== null)
      .map((match) => Date.parse(match[1] ?? match[2]) / 1000);
    return [Math.min(...boundaries), Math.max(...boundaries)];
  }

  /** Waits until `count` boundaries satisfy `check`, and returns them. */
  async waitForCycles(
    what: string,
    count: number,
    check: (boundary: number, owners: Map<string, string[]>) => boolean,
    timeoutMs = 60_000,
  ): Promise<number[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = [...this.ownership()]
        .filter(([boundary, owners]) => check(boundary, owners))
        .map(([boundary]) => boundary)
        .sort((a, b) => a - b);
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** True when the runs together own every realtime entity exactly once in this cycle. */
  ownedOnce(owners: Map<string, string[]>): boolean {
    const owned = [...owners.values()].flat().sort();
    return owned.length === this.entities.length && owned.every((moref, i) => moref === this.entities[i]);
  }

  /**
   * The problems of each cycle from `from` to `to` (epoch seconds, inclusive): entities more than
   * one run owned, and entities nobody owned unless `mayBeUnowned(boundary)` (a handover the test
   * expects, whose samples the next owner backfills). A run reports what it owns only when it runs
   * the cycle; on a busy machine a cycle still running at the next boundary skips it (the next one
   * reads from the watermarks, nothing is lost). A boundary a run skipped between cycles it ran
   * says nothing about who owned what, so unowned entities are judged only where every run that
   * was collecting then reported.
   */
  ownershipProblems(
    from: number,
    to: number,
    mayBeUnowned: (boundary: number) => boolean = () => false,
  ): string[] {
    const ownership = this.ownership();
    const spans = new Map(this.runs.map((run) => [run.label, this.span(run.label)]));
    const problems: string[] = [];
    for (let boundary = from; boundary <= to; boundary += SAMPLE_SECONDS) {
      const owners = ownership.get(boundary) ?? new Map<string, string[]>();
      const count = new Map<string, string[]>();
      for (const [label, owned] of owners)
        for (const moref of owned) count.set(moref, [...(count.get(moref) ?? []), label]);
      const at = new Date(boundary * 1000).toISOString();
      for (const [moref, labels] of count)
        if (labels.length > 1) problems.push(`${at}: ${moref} owned by ${labels.join(' and ')}`);
      const collecting = [...spans].filter(([, [first, last]]) => first <= boundary && boundary <= last);
      if (mayBeUnowned(boundary) || !collecting.every(([label]) => owners.has(label))) continue;
      const unowned = this.entities.filter((moref) => !count.has(moref));
      if (unowned.length) problems.push(`${at}: ${unowned.length} entities unowned, e.g. ${unowned[0]}`);
    }
    return problems;
  }

  /** Missing samples in the sink and wrong values, for sample times from `from` to `to`. */
  async sinkProblems(from: number, to: number): Promise<string[]> {
    const points = await readPoints({ kind: 'influxdb-v1', server: this.influx });
    const wrong = wrongValues(points.filter((p) => p.time >= from && p.time <= to));
    return [
      ...gaps(points, this.entities, from, to, SAMPLE_SECONDS),
      ...wrong.slice(0, 5).map((p) => `${p.moid} ${p.counter} at ${p.time}: wrong value ${p.value}`),
    ];
  }

  /** An admin call to the controller. */
  async api<T>(method: string, path: string): Promise<T> {
    const response = await fetch(`${this.controller.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** The vCenter's current epoch, from the controller API. */
  async epoch(): Promise<number> {
    const [vcenter] = await this.api<{ epoch: number }[]>('GET', '/api/v1/vcenters');
    return vcenter.epoch;
  }

  /** The live collector registered under `name`, from the controller API. */
  async collector(name: string): Promise<CollectorView | undefined> {
    return (await this.api<CollectorView[]>('GET', '/api/v1/collectors')).find((c) => c.name === name);
  }

  /**
   * Stops this test's collectors (gracefully) and forgets them and what the recorder saw. With
   * VCC_TEST_KEEP_LOGS=<dir>, first writes each run's output and the controller's there.
   */
  async reset(): Promise<void> {
    await Promise.allSettled(this.runs.map((r) => r.app.stop()));
    const keep = process.env.VCC_TEST_KEEP_LOGS;
    if (keep) {
      mkdirSync(keep, { recursive: true });
      for (const run of [...this.runs, { label: 'controller', app: this.controller }])
        writeFileSync(join(keep, `${run.label}.log`), run.app.process.output());
    }
    this.runs = [];
    this.cluster.collectors.clear();
    this.recorder.clear();
  }

  async stop(): Promise<void> {
    await this.reset();
    await this.cluster.stop();
    await this.recorder.stop();
    await this.influx.stop();
  }
}

export interface CollectorView {
  id: string;
  name: string;
  state: string;
  lastHeartbeatAt: string;
  leaseExpiresAt: string;
}

/** The controller's epoch changes from its log lines (`epoch N (reason) from <boundary>`), in order. */
export function epochChanges(
  controller: RunningApp,
): { epoch: number; reason: string; effectiveFrom: number; loggedAt: number }[] {
  return controller.logs().flatMap((line) => {
    const match = /: epoch (\d+) \((.*)\) from (\S+?),? /.exec(String(line.message));
    return match
      ? [
          {
            epoch: Number(match[1]),
            reason: match[2],
            effectiveFrom: Date.parse(match[3]) / 1000,
            loggedAt: Date.parse(String(line.time)) / 1000,
          },
        ]
      : [];
  });
}
