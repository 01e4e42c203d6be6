import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createMonthlyPartition, monthlyPartition } from '@vcc/database';
import { dashboards } from '@vcc/grafana/dashboards';
import { startAggregator, jobEnd } from '../aggregator/aggregator-harness';
import { addHost, addSnapshots, addVm, hoursOf } from '../aggregator/chargeback-fixtures';
import { client as apiClient } from '../controller/controller-harness';
import { Cluster, createInfluxDatabase, DEFAULT_COUNTERS } from '../collector/cluster';
import type { RunningApp } from '../support/apps';
import { freePort, startProcess, waitFor, type RunningProcess } from '../support/processes';
import { startInfluxDb, type TimeSeriesServer } from '../support/time-series';

/**
 * Every query of every generated dashboard, run the way Grafana would after a real collection
 * (simulator → controller → collector → InfluxDB 1.6 in Telegraf's schema) and a real aggregation
 * (the aggregator over seeded snapshots), against InfluxDB's /query, Prometheus (scraping the apps'
 * /metrics) and PostgreSQL: each must run without error and return rows. Template variables take
 * the first value of their own query, as Grafana's first load does.
 */

interface Target {
  query?: string;
  expr?: string;
  rawSql?: string;
}
interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: Target[];
}
interface Variable {
  name: string;
  query: string;
  datasource: { uid: string };
}

/** Grafana formats a value for a regex filter (=~ /^$var$/) with the regex characters escaped. */
const regexEscape = (value: string): string => value.replace(/[\\^$.|?*+()[\]{}/]/g, '\\$&');

describe('Grafana dashboards against real data', () => {
  let influx: TimeSeriesServer;
  let cluster: Cluster;
  let collector: RunningApp;
  let aggregator: RunningApp;
  let prometheus: { url: string; process: RunningProcess; dir: string };
  let pg: Client;
  const now = new Date();
  // The seeded days: the last two of the previous month, so that a whole month can be aggregated.
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const month = monthStart.toISOString().slice(0, 7);
  const lastDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0));
  const days = [new Date(lastDay.getTime() - 86_400_000), lastDay].map((d) => d.toISOString().slice(0, 10));

  beforeAll(async () => {
    influx = await startInfluxDb();
    await createInfluxDatabase(influx);
    cluster = await Cluster.start({
      sink: { kind: 'influxdb-v1', server: influx },
      schema: 'telegraf',
      counters: {
        vm: [...DEFAULT_COUNTERS.vm],
        host: [...DEFAULT_COUNTERS.host],
        cluster: [...DEFAULT_COUNTERS.cluster],
        datastore: [...DEFAULT_COUNTERS.datastore],
      },
    });
    collector = await cluster.startCollector('grafana-1');

    pg = new Client({ connectionString: cluster.database.url });
    await pg.connect();
    const [{ id: vcenterId }] = (await pg.query<{ id: string }>(`SELECT id FROM vcenter WHERE name = 'e2e'`))
      .rows;
    for (const table of ['inventory_vm', 'inventory_host', 'vcenter_event'])
      await createMonthlyPartition(pg, table, monthlyPartition(table, monthStart));
    const hours = days.flatMap((day) => hoursOf(day));
    await addSnapshots(pg, vcenterId, hours);
    await addHost(pg, vcenterId, hours, {
      moref: 'host-1',
      cluster_name: 'c1',
      cpu_cores: 32,
      memory_mb: 262_144,
    });
    await addVm(pg, vcenterId, hours, {
      moref: 'vm-1',
      vcpus: 4,
      memory_mb: 8192,
      provisioned_disk_gb: 100,
      cluster_name: 'c1',
      resource_pool_name: 'Gold',
    });
    await addVm(pg, vcenterId, hours, {
      moref: 'vm-2',
      vcpus: 2,
      memory_mb: 4096,
      provisioned_disk_gb: 40,
      cluster_name: 'c1',
    });
    aggregator = await startAggregator(cluster.database.url);
    const api = apiClient(aggregator.url);
    const requests = [...days.map((date) => ({ type: 'daily', date })), { type: 'monthly', month }];
    for (const body of requests) {
      const queued = await api.post<{ id: string }>('/api/v1/aggregations', body);
      expect(queued.status).toBe(202);
      expect((await jobEnd(api, queued.body.id)).state).toBe('succeeded');
    }

    const dir = mkdtempSync(join(tmpdir(), 'vcc-prometheus-'));
    const port = await freePort();
    const targets = [cluster.controller, collector, aggregator].map((app) => new URL(app.url).host);
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: vcc\n    static_configs:\n      - targets: ${JSON.stringify(targets)}\n`,
    );
    const { process } = await startProcess(
      '/usr/bin/prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { name: 'prometheus' },
    );
    prometheus = { url: `http://127.0.0.1:${port}`, process, dir };
    await waitFor(
      'prometheus scraping the three apps',
      async () => {
        const reply = await fetch(
          `${prometheus.url}/api/v1/query?query=${encodeURIComponent('sum(up)')}`,
        ).catch(() => undefined);
        if (!reply?.ok) return undefined;
        const body = (await reply.json()) as { data: { result: { value: [number, string] }[] } };
        return Number(body.data.result[0]?.value[1]) === 3 ? true : undefined;
      },
      60_000,
    );
  }, 240_000);

  afterAll(async () => {
    await prometheus?.process.stop();
    if (prometheus) rmSync(prometheus.dir, { recursive: true, force: true });
    await pg?.end();
    await aggregator?.stop();
    await cluster?.stop();
    await influx?.stop();
  });

  async function influxQuery(query: string): Promise<unknown[][]> {
    const reply = await fetch(`${influx.url}/query?db=vcc&epoch=s&q=${encodeURIComponent(query)}`);
    const body = (await reply.json()) as {
      error?: string;
      results: { error?: string; series?: { values: unknown[][] }[] }[];
    };
    const error = body.error ?? body.results[0].error;
    if (error) throw new Error(`InfluxDB: ${error} in ${query}`);
    return (body.results[0].series ?? []).flatMap((s) => s.values);
  }

  async function prometheusQuery(expr: string): Promise<unknown[]> {
    const end = Date.now() / 1000;
    const params = new URLSearchParams({
      query: expr,
      start: String(end - 300),
      end: String(end),
      step: '2',
    });
    const reply = await fetch(`${prometheus.url}/api/v1/query_range?${params}`);
    const body = (await reply.json()) as { status: string; error?: string; data?: { result: unknown[] } };
    if (body.status !== 'success') throw new Error(`Prometheus: ${body.error} in ${expr}`);
    return body.data!.result;
  }

  async function sqlQuery(sql: string): Promise<unknown[]> {
    return (await pg.query(sql)).rows;
  }

  /** The first value of a variable's own query, with the variables before it substituted. */
  async function firstValue(
    variable: Variable,
    substitute: (text: string) => string,
  ): Promise<string | undefined> {
    const query = substitute(variable.query);
    switch (variable.datasource.uid) {
      case 'vcc-influxdb':
        return (await influxQuery(query)).map((row) => String(row[1]))[0];
      case 'vcc-prometheus': {
        const [, metric, label] = /^label_values\((\w+), (\w+)\)$/.exec(query)!;
        const reply = await fetch(`${prometheus.url}/api/v1/label/${label}/values?match[]=${metric}`);
        return ((await reply.json()) as { data: string[] }).data[0];
      }
      default:
        return (await sqlQuery(query)).map((row) => String(Object.values(row as object)[0]))[0];
    }
  }

  /** Each panel query with its rows, once every variable has a value. */
  async function runDashboard(dashboard: {
    panels: Panel[];
    templating: { list: Variable[] };
  }): Promise<{ panel: string; rows: number; error?: string }[]> {
    const values = new Map<string, string>();
    const from = new Date(now.getTime() - 90 * 86_400_000).toISOString();
    const to = new Date().toISOString();
    const substitute = (text: string, uid: string): string =>
      text
        .replace(/\$timeFilter/g, 'time > now() - 1h')
        .replace(/\$__interval/g, '20s')
        .replace(/\$__rate_interval/g, '1m')
        .replace(/\$__timeFilter\(([^)]+)\)/g, `$1 BETWEEN '${from}' AND '${to}'`)
        .replace(/\$(\w+)/g, (whole, name: string) => {
          const value = values.get(name);
          if (value === undefined) return whole;
          // As Grafana interpolates: SQL values quoted by the query itself, regex characters
          // escaped for InfluxQL's /…/, and escaped once more inside PromQL's "…" strings.
          if (uid === 'vcc-postgres') return value.replace(/'/g, "''");
          return uid === 'vcc-prometheus' ? regexEscape(value).replace(/\\/g, '\\\\') : regexEscape(value);
        });
    for (const variable of dashboard.templating.list) {
      const value = await firstValue(variable, (text) => substitute(text, variable.datasource.uid));
      if (value === undefined) throw new Error(`variable ${variable.name} has no values: ${variable.query}`);
      values.set(variable.name, value);
    }
    const results: { panel: string; rows: number; error?: string }[] = [];
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row'))
      for (const target of panel.targets ?? []) {
        const uid = panel.datasource!.uid;
        try {
          const rows =
            uid === 'vcc-influxdb'
              ? await influxQuery(substitute(target.query!, uid))
              : uid === 'vcc-prometheus'
                ? await prometheusQuery(substitute(target.expr!, uid))
                : await sqlQuery(substitute(target.rawSql!, uid));
          results.push({ panel: panel.title, rows: rows.length });
        } catch (error) {
          results.push({ panel: panel.title, rows: 0, error: (error as Error).message });
        }
      }
    return results;
  }

  it.each(Object.keys(dashboards()))(
    '%s: every query runs and returns rows',
    async (file) => {
      const dashboard = JSON.parse(JSON.stringify(dashboards()[file])) as Parameters<typeof runDashboard>[0];
      // Collection and scrapes go on while this waits: it ends as soon as every panel has rows.
      let results: Awaited<ReturnType<typeof runDashboard>> = [];
      try {
        await waitFor(
          `rows in every panel of ${file}`,
          async () => {
            results = await runDashboard(dashboard);
            return results.every((r) => r.rows > 0 && !r.error) ? true : undefined;
          },
          90_000,
        );
      } finally {
        console.log(`${file}: ${results.map((r) => `${r.panel}: ${r.error ?? r.rows}`).join('; ')}`);
      }
      expect(results.filter((r) => r.rows === 0 || r.error)).toEqual([]);
      expect(results.length).toBeGreaterThan(0);
    },
    120_000,
  );
});
