import { randomBytes } from 'node:crypto';
import { DEFAULT_COUNTERS } from '@vcc/contract';
import { VsphereClient } from '@vcc/vsphere';
import { sampleValue } from '../../apps/simulator/perf/sample-value';
import { startSimulator } from '../simulator/simulator';
import { startApp, type RunningApp } from '../support/apps';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { waitFor } from '../support/processes';
import type { TimeSeriesServer } from '../support/time-series';

/**
 * The collector e2e tests run vCenter's realtime clock ten times faster (VCC_TEST_TIME_SCALE, set
 * for the simulator, the controller and every collector): 2 s samples and 2 s realtime cycles.
 */
export const TIME_SCALE = 10;
/** The realtime sample interval, which is also the realtime cycle of the e2e vCenter. */
export const SAMPLE_SECONDS = 20 / TIME_SCALE;
const TIME_SCALE_ENV = { VCC_TEST_TIME_SCALE: String(TIME_SCALE) };

export const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;
export const COLLECTOR_TOKEN = `collector-${randomBytes(16).toString('hex')}`;

/** Counters the e2e vCenter is configured with: a few per kind, some with instances. */
export const COUNTERS = {
  vm: [
    'cpu.usage.average',
    'mem.usage.average',
    'virtualDisk.numberWriteAveraged.average',
    'net.usage.average',
  ],
  host: ['cpu.usage.average', 'mem.usage.average'],
  cluster: ['cpu.usage.average'],
  datastore: ['disk.used.latest'],
};

export interface Sink {
  kind: 'influxdb-v2' | 'influxdb-v1';
  server: TimeSeriesServer;
}

export interface ClusterOptions {
  /** Where collectors write; `prometheus` serves the samples on each collector's /metrics. */
  sink: Sink | { kind: 'prometheus' };
  /** The vCenter's counters, instead of COUNTERS. */
  counters?: typeof COUNTERS;
  /** The sinks' line schema: vcc unless said (see sinkConfig). */
  schema?: 'telegraf' | 'vcc';
  /** The vCenter's realtime cycle in seconds, instead of SAMPLE_SECONDS (a multiple of it). */
  realtimeIntervalSeconds?: number;
  /** Simulator settings (VCC_* variables). */
  simulator?: Record<string, string>;
  /** Controller settings (VCC_* variables). */
  controller?: Record<string, string>;
  /** Collector settings for every collector (VCC_* variables). */
  collector?: Record<string, string>;
}

/**
 * The whole cluster on loopback for an end-to-end test: a fresh PostgreSQL database, the vcc
 * simulator (or another vCenter), the controller with that vCenter in its catalogue, and collectors
 * started on demand, writing to the given sink. Everything runs on the e2e time scale (above);
 * membership runs on a short clock of its own: heartbeats every 2 s, a lease of 6 s, a reaper every
 * second. vcsim does not follow the time scale: its samples stay 20 s apart, and the 2 s cycles
 * read each one several times (writes are idempotent).
 */
export class Cluster {
  readonly collectors = new Map<string, RunningApp>();
  private constructor(
    readonly database: TestDatabase,
    readonly vcenter: { url: string; username: string; password: string; stop(): Promise<unknown> },
    readonly controller: RunningApp,
    private readonly options: ClusterOptions,
    /** The simulator, when the cluster started one (for its admin API). */
    readonly simulator?: RunningApp,
  ) {}

  static async start(
    options: ClusterOptions,
    vcenter?: { url: string; username: string; password: string; stop(): Promise<unknown> },
  ): Promise<Cluster> {
    const database = await createTestDatabase();
    let target = vcenter;
    let simulator: RunningApp | undefined;
    if (!target) {
      simulator = await startSimulator({
        ...TIME_SCALE_ENV,
        VCC_HTTP_TLS_SELF_SIGNED: 'true',
        VCC_INVENTORY_CLUSTERS_PER_DATACENTER: '2',
        VCC_INVENTORY_HOSTS_PER_CLUSTER: '3',
        VCC_INVENTORY_VMS_PER_HOST: '8',
        ...options.simulator,
      });
      target = {
        url: `${simulator.url}/sdk`,
        username: 'user',
        password: 'pass',
        stop: () => simulator!.stop(),
      };
    }
    const controller = await startApp('controller', {
      env: {
        ...TIME_SCALE_ENV,
        VCC_DATABASE_URL: database.url,
        VCC_AUTH_TOKENS: JSON.stringify([
          { name: 'e2e-admin', role: 'admin', token: ADMIN_TOKEN },
          { name: 'e2e-collector', role: 'collector', token: COLLECTOR_TOKEN },
        ]),
        VCC_SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        VCC_MEMBERSHIP_HEARTBEAT_INTERVAL_SECONDS: '2',
        VCC_MEMBERSHIP_MISSED_HEARTBEATS: '3',
        VCC_MEMBERSHIP_REAPER_INTERVAL_SECONDS: '1',
        VCC_MEMBERSHIP_BOUNDARY_MARGIN_SECONDS: '1',
        VCC_VCENTERS: JSON.stringify([
          {
            name: 'e2e',
            sdkUrl: target.url,
            username: target.username,
            password: target.password,
            tls: { insecure: true },
            realtimeIntervalSeconds: options.realtimeIntervalSeconds ?? SAMPLE_SECONDS,
            historicalIntervalSeconds: 300,
            requestBudget: 6,
            counters: options.counters ?? COUNTERS,
          },
        ]),
        ...options.controller,
      },
    });
    return new Cluster(database, target, controller, options, simulator);
  }

  /**
   * In vcc's schema unless the options say otherwise: the collector suites check every value against
   * the simulator's function of (moref, counter, instance, time), which vcc writes as vCenter serves
   * it and under one instance tag. Telegraf's schema has its golden test and the Grafana suite.
   */
  sinkConfig(): Record<string, unknown> {
    const sink = this.options.sink;
    const schema = this.options.schema ?? 'vcc';
    switch (sink.kind) {
      case 'influxdb-v2':
        return {
          type: 'influxdb-v2',
          url: sink.server.url,
          token: 'e2e',
          org: 'vcc',
          bucket: 'vcc',
          schema,
        };
      case 'influxdb-v1':
        return { type: 'influxdb-v1', url: sink.server.url, database: 'vcc', schema };
      case 'prometheus':
        return { type: 'prometheus', schema };
    }
  }

  async startCollector(name: string, env: Record<string, string> = {}): Promise<RunningApp> {
    const app = await startApp('collector', {
      env: {
        ...TIME_SCALE_ENV,
        VCC_CONTROLLER_URL: this.controller.url,
        VCC_CONTROLLER_TOKEN: COLLECTOR_TOKEN,
        VCC_MEMBER_NAME: name,
        VCC_PERF_THREADS: '1',
        VCC_LOG_LEVEL: 'debug',
        VCC_SINKS: JSON.stringify([this.sinkConfig()]),
        ...this.options.collector,
        ...env,
      },
    });
    this.collectors.set(name, app);
    return app;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.collectors.values()].map((c) => c.stop()));
    await this.controller.stop();
    await this.vcenter.stop();
    await this.database.drop();
  }
}

/** Which collector owned which entities in each realtime cycle, from their debug lines. */
export function ownership(collectors: Map<string, RunningApp>): Map<string, Map<string, string[]>> {
  const byBoundary = new Map<string, Map<string, string[]>>();
  for (const [name, app] of collectors) {
    for (const line of app.logs()) {
      const match = /^owned realtime (\S+) epoch \d+: (.*)$/.exec(String(line.message));
      if (!match) continue;
      const cycle = byBoundary.get(match[1]) ?? new Map<string, string[]>();
      cycle.set(name, match[2] ? match[2].split(',') : []);
      byBoundary.set(match[1], cycle);
    }
  }
  return byBoundary;
}

/** The realtime cycles (boundary ISO times) each collector finished, from its info lines. */
export function finishedCycles(app: RunningApp): string[] {
  return app
    .logs()
    .map((line) => /^realtime cycle (\S+): /.exec(String(line.message))?.[1])
    .filter((boundary): boundary is string => boundary !== undefined);
}

/** The entities that have realtime performance data on the vCenter: powered-on VMs and connected hosts. */
export async function realtimeEntities(vcenter: Cluster['vcenter']): Promise<string[]> {
  const client = await VsphereClient.connect({
    endpoint: { sdkUrl: vcenter.url, insecure: true },
    credentials: { username: vcenter.username, password: vcenter.password },
    session: { keepAliveMs: 0 },
  });
  try {
    const inventory = await client.inventory();
    return [
      ...inventory.vms.filter((vm) => vm.powerState === 'poweredOn' && !vm.template).map((vm) => vm.moref),
      ...inventory.hosts
        .filter((h) => h.connectionState === 'connected' && h.powerState === 'poweredOn')
        .map((h) => h.moref),
    ].sort();
  } finally {
    await client.close();
  }
}

/** One point read back from a sink. */
export interface Point {
  /** e.g. cpu.usage.average */
  counter: string;
  kind: string;
  moid: string;
  instance: string;
  time: number;
  value: number;
  /** The esxhostname tag, where the sink's query API gives tags (VictoriaMetrics). */
  host?: string;
}

/** Every vsphere_* point in the sink, read back through its own query API. */
export async function readPoints(sink: Sink): Promise<Point[]> {
  const points: Point[] = [];
  if (sink.kind === 'influxdb-v2') {
    // VictoriaMetrics stores measurement m and field f as metric m_f.
    await fetch(`${sink.server.url}/internal/force_flush`);
    const response = await fetch(
      `${sink.server.url}/api/v1/export?match[]=${encodeURIComponent('{__name__=~"vsphere_.*"}')}`,
    );
    for (const line of (await response.text()).split('\n').filter(Boolean)) {
      const series = JSON.parse(line) as {
        metric: Record<string, string>;
        values: number[];
        timestamps: number[];
      };
      const [, kind, group, counter, rollup] = /^vsphere_([a-z]+)_([A-Za-z]+)_([A-Za-z0-9]+)_([a-z]+)$/.exec(
        series.metric.__name__,
      )!;
      series.values.forEach((value, i) =>
        points.push({
          counter: `${group}.${counter}.${rollup}`,
          kind,
          moid: series.metric.moid,
          instance: series.metric.instance ?? '',
          time: series.timestamps[i] / 1000,
          value,
          host: series.metric.esxhostname,
        }),
      );
    }
  } else {
    const measurements = await influxQuery(sink.server.url, 'SHOW MEASUREMENTS');
    for (const [name] of measurements[0]?.values ?? []) {
      const [, kind, group] = /^vsphere_([a-z]+)_([A-Za-z]+)$/.exec(String(name))!;
      for (const series of await influxQuery(
        sink.server.url,
        `SELECT * FROM "${name}" GROUP BY moid, instance`,
      )) {
        const columns = series.columns;
        for (const row of series.values) {
          columns.forEach((column, c) => {
            if (
              column === 'time' ||
              row[c] === null ||
              typeof row[c] !== 'number' ||
              ['moid', 'instance'].includes(column)
            )
              return;
            const [counter, rollup] = column.split('_');
            if (!rollup) return;
            points.push({
              counter: `${group}.${counter}.${rollup}`,
              kind,
              moid: series.tags.moid,
              instance: series.tags.instance ?? '',
              time: Number(row[0]),
              value: Number(row[c]),
            });
          });
        }
      }
    }
  }
  return points;
}

async function influxQuery(
  url: string,
  query: string,
): Promise<{ columns: string[]; values: unknown[][]; tags: Record<string, string> }[]> {
  const response = await fetch(`${url}/query?db=vcc&epoch=s&q=${encodeURIComponent(query)}`);
  const body = (await response.json()) as {
    results: { series?: { columns: string[]; values: unknown[][]; tags?: Record<string, string> }[] }[];
  };
  return (body.results[0].series ?? []).map((s) => ({
    columns: s.columns,
    values: s.values,
    tags: s.tags ?? {},
  }));
}

export async function createInfluxDatabase(server: TimeSeriesServer): Promise<void> {
  await fetch(`${server.url}/query?q=${encodeURIComponent('CREATE DATABASE vcc')}`, { method: 'POST' });
}

/** Points whose value is not the simulator's pure function of (moref, counter, instance, time). */
export function wrongValues(points: Point[]): Point[] {
  return points.filter((p) => p.value !== sampleValue(p.moid, p.counter, p.instance, p.time));
}

/**
 * For every series, the sample times missing between `from` and `to` (inclusive) at the sample
 * interval; and the realtime entities with no aggregate cpu.usage.average series at all.
 */
export function gaps(
  points: Point[],
  entities: string[],
  from: number,
  to: number,
  sampleSeconds: number,
): string[] {
  const series = new Map<string, Set<number>>();
  for (const p of points) {
    if (p.kind !== 'vm' && p.kind !== 'host') continue;
    const key = `${p.moid}|${p.counter}|${p.instance}`;
    const times = series.get(key) ?? new Set<number>();
    times.add(p.time);
    series.set(key, times);
  }
  const problems: string[] = [];
  for (const moid of entities)
    if (!series.has(`${moid}|cpu.usage.average|`)) problems.push(`${moid}: no cpu.usage.average at all`);
  for (const [key, times] of series) {
    const missing: number[] = [];
    for (let t = Math.ceil(from / sampleSeconds) * sampleSeconds; t <= to; t += sampleSeconds)
      if (!times.has(t)) missing.push(t);
    if (missing.length)
      problems.push(
        `${key}: missing ${missing.length} samples, first ${new Date(missing[0] * 1000).toISOString()}`,
      );
  }
  return problems;
}

export async function waitForCycles(app: RunningApp, count: number, timeoutMs = 240_000): Promise<string[]> {
  return waitFor(
    `${count} realtime cycles`,
    async () => {
      const cycles = finishedCycles(app);
      return cycles.length >= count ? cycles : undefined;
    },
    timeoutMs,
  );
}

export { DEFAULT_COUNTERS };

/** The sum of a metric's samples whose labels contain every one of `labels`. */
export async function metric(url: string, name: string, ...labels: string[]): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
    .filter((l) => labels.every((label) => l.includes(label)))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}
