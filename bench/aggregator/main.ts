/**
 * Chargeback aggregation against a bare scan of the same rows.
 *
 * In a throwaway database on $DATABASE_URL (default the machine's PostgreSQL on 127.0.0.1:5432),
 * generates 4 vCenters × 10,000 VMs × 24 complete hourly snapshots of one day (960,000 inventory
 * rows, hosts and a few lifecycle events) and 40,000 VMs × 31 daily summary rows of a month, then
 * times the daily and the monthly aggregation, each in its own transaction, beside a bare scan of
 * the same rows (`count(*)` and sums: the limit no aggregation can beat), in alternating rounds on
 * warm caches. Then node uploads' throughput (bench/aggregator/uploads.ts: a 1,000,000-row package)
 * and the pages' p95 latency on 40,000 VMs × 45 days of daily rows (bench/aggregator/pages.ts).
 * Prints medians, then one summary line. Run with `npm run bench:aggregator`.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ChargebackConfig, PriceCardConfig } from '@vcc/config';
import { createMonthlyPartition, dataSourceOptions, monthlyPartition } from '@vcc/database';
import { aggregateDay, aggregateMonth } from '../../apps/aggregator/chargeback';
import { runBench } from '../run-bench';
import { benchPages } from './pages';
import { benchUploads } from './uploads';

const VCENTERS = 4;
const VMS_PER_VCENTER = 10_000;
const DAY = '2026-11-14';
const MONTH = '2026-10';
const ROUNDS = 3;
const TARGET_RATIO = 4;
const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
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

async function generate(client: Client): Promise<void> {
  for (const [table, month] of [
    ['inventory_vm', DAY],
    ['inventory_host', DAY],
    ['vcenter_event', DAY],
    ['chargeback_daily', `${MONTH}-01`],
  ])
    await createMonthlyPartition(
      client,
      table,
      monthlyPartition(table, new Date(`${month.slice(0, 7)}-01T00:00:00Z`)),
    );
  await client.query(
    `INSERT INTO vcenter (id, name, sdk_url, username, password_enc)
     SELECT gen_random_uuid(), 'vc-' || n, 'https://vc-' || n || '/sdk', 'bench', 'enc:v1:bench' FROM generate_series(1, $1) n`,
    [VCENTERS],
  );
  const day = `'${DAY}'::timestamptz`;
  await client.query(`
    INSERT INTO inventory_snapshot (vcenter_id, snapshot_time, complete, vm_count)
    SELECT id, t, true, ${VMS_PER_VCENTER} FROM vcenter, generate_series(${day}, ${day} + interval '23 hours', interval '1 hour') t`);
  // Rows in the order ingest writes them, snapshot after snapshot (and the daily summaries day after
  // day): how rows of one snapshot lie on disk decides what reading one snapshot costs.
  // Varied like an estate: 8 vCPU sizes, some resized at noon, some powered off in the afternoon,
  // one template in 200, pools by name among others, 200 tenants.
  await client.query(`
    INSERT INTO inventory_vm (vcenter_id, snapshot_time, moref, name, uuid, instance_uuid, power_state, template, vcpus,
                              memory_mb, provisioned_disk_gb, host_moref, host_name, cluster_name, datacenter_name,
                              resource_pool_name, folder_path, vm_created_at, guest_os, epoch, group_index)
    SELECT vc.id, t, 'vm-' || n, 'vm-name-' || n, md5(vc.id::text || n), md5(n || vc.id::text),
           CASE WHEN n % 50 = 0 AND t >= ${day} + interval '12 hours' THEN 'poweredOff' ELSE 'poweredOn' END,
           n % 200 = 0, 1 + n % 8 + CASE WHEN n % 97 = 0 AND t >= ${day} + interval '12 hours' THEN 2 ELSE 0 END,
           1024 * (1 + n % 16), 40 + (n % 500) * 1.5, 'host-' || n % 100, 'esx-' || n % 100, 'cluster-' || n % 10, 'dc1',
           (ARRAY['Tin', 'Bronze', 'Silver', 'Gold', 'prod', 'dev'])[1 + n % 6], 'tenant-' || n % 200 || '/app-' || n % 7,
           timestamptz '2025-01-01' + n * interval '1 hour', 'otherGuest64', 1, n % 4
      FROM generate_series(${day}, ${day} + interval '23 hours', interval '1 hour') t, vcenter vc,
           generate_series(1, ${VMS_PER_VCENTER}) n
     ORDER BY t, vc.id, n`);
  await client.query(`
    INSERT INTO inventory_host (vcenter_id, snapshot_time, moref, name, cluster_name, datacenter_name, cpu_cores,
                                cpu_sockets, cpu_mhz, memory_mb, connection_state, power_state, in_maintenance, epoch,
                                group_index)
    SELECT vc.id, t, 'host-' || n, 'esx-' || n, 'cluster-' || n % 10, 'dc1', 64, 2, 2600, 1048576, 'connected',
           'poweredOn', n % 50 = 0, 1, n % 4
      FROM vcenter vc, generate_series(0, 99) n, generate_series(${day}, ${day} + interval '23 hours', interval '1 hour') t`);
  // Power cycles of 1 VM in 50, and 50 VMs per vCenter that lived 40 minutes between snapshots.
  await client.query(`
    INSERT INTO vcenter_event (vcenter_id, event_key, chain_id, type, created_time, vm_moref, vm_name, fields)
    SELECT vc.id, row_number() OVER (), 0, e.type, e.at, e.moref, e.moref, '{}'
      FROM vcenter vc,
           LATERAL (SELECT 'VmPoweredOffEvent' AS type, ${day} + interval '11 hours 30 minutes' AS at, 'vm-' || n AS moref
                      FROM generate_series(50, ${VMS_PER_VCENTER}, 50) n
                    UNION ALL
                    SELECT kind, ${day} + interval '1 hour' * (n % 23) + interval '10 minutes' + offset_minutes, 'flash-' || n
                      FROM generate_series(1, 50) n,
                           (VALUES ('VmCreatedEvent', interval '0'), ('VmRemovedEvent', interval '40 minutes'))
                             AS k(kind, offset_minutes)) e`);
  const month = `'${MONTH}-01'::date`;
  await client.query(`
    INSERT INTO chargeback_totals (kind, vcenter_id, period_start, samples, vms, vcpus, ram_gb, disk_gb, tin, bronze,
                                   silver, gold, templates, cost)
    SELECT 'daily', vc.id, d AT TIME ZONE 'UTC', 24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
      FROM vcenter vc, generate_series(${month}::timestamp, ${month} + 30, interval '1 day') d`);
  await client.query(`
    INSERT INTO chargeback_daily (vcenter_id, day, moref, name, vm_uuid, instance_uuid, event_key, cloud_id,
                                  srm_placeholder, is_template, powered_on, datacenter, cluster, folder, resource_pool,
                                  tenant, pool, creation_time, deletion_time, snapshot_time, total_samples,
                                  samples_present, avg_is_present, avg_vcpu_count, avg_ram_gb, avg_provisioned_disk,
                                  pool_tin_pct, pool_bronze_pct, pool_silver_pct, pool_gold_pct, powered_on_samples,
                                  exact_present_hours, powered_on_hours, per_node, price_card, vcpu_hours, ram_gb_hours,
                                  disk_gb_months, cost)
    SELECT vc.id, d::date, 'vm-' || n, 'vm-name-' || n, md5(vc.id::text || n), md5(n || vc.id::text), NULL, NULL, false,
           n % 200 = 0, n % 50 <> 0, 'dc1', 'cluster-' || n % 10, 'tenant-' || n % 200 || '/app-' || n % 7,
           (ARRAY['Tin', 'Bronze', 'Silver', 'Gold', 'prod', 'dev'])[1 + n % 6], 'tenant-' || n % 200,
           (ARRAY[1, 2, 3, 4, 0, 0])[1 + n % 6], timestamptz '2025-01-01' + n * interval '1 hour', NULL,
           (d + interval '23 hours') AT TIME ZONE 'UTC', 24, 24 - n % 3, (24 - n % 3) / 24.0, 1 + n % 8, 1 + n % 16, 40 + (n % 500) * 1.5,
           CASE WHEN n % 6 = 0 THEN 100 ELSE 0 END, CASE WHEN n % 6 = 1 THEN 100 ELSE 0 END,
           CASE WHEN n % 6 = 2 THEN 100 ELSE 0 END, CASE WHEN n % 6 = 3 THEN 100 ELSE 0 END, 24 - n % 3, 24 - n % 3,
           24 - n % 3, false, 'standard', (1 + n % 8) * 24, (1 + n % 16) * 24, (40 + (n % 500) * 1.5) * 24 / 744,
           round(((1 + n % 8) * 24 * 0.01)::numeric, 4)
      FROM generate_series(${month}::timestamp, ${month} + 30, interval '1 day') d, vcenter vc,
           generate_series(1, ${VMS_PER_VCENTER}) n
     ORDER BY d, vc.id, n`);
  await client.query('VACUUM ANALYZE');
}

interface Timed<T> {
  seconds: number;
  value: T;
}

async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const started = performance.now();
  const value = await work();
  return { seconds: (performance.now() - started) / 1000, value };
}

async function inTransaction<T>(client: Client, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const value = await work();
    await client.query('COMMIT');
    return value;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const chargeback = await benchChargeback();
  const pages = await benchPages(process.env.DATABASE_URL ?? DEFAULT_SERVER, log);
  log(`${chargeback}; ${pages}`);
}

/** The chargeback figures and the node uploads' throughput (logged); returns their summary. */
async function benchChargeback(): Promise<string> {
  const server = process.env.DATABASE_URL ?? DEFAULT_SERVER;
  const name = `vcc_bench_aggregator_${randomBytes(4).toString('hex')}`;
  await admin(server, `CREATE DATABASE "${name}"`);
  const url = withDatabase(server, name);
  const client = new Client({ connectionString: url });
  try {
    const dataSource = new DataSource(
      dataSourceOptions({ url, poolSize: 1, migrate: true, embedded: {} } as never),
    );
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.destroy();
    await client.connect();
    const generated = await timed(() => generate(client));
    log(`aggregator bench: generated in ${generated.seconds.toFixed(1)} s`);

    const config = new ChargebackConfig();
    config.priceCards = [
      Object.assign(new PriceCardConfig(), {
        name: 'standard',
        vcpuHour: 0.01,
        ramGbHour: 0.005,
        diskGbMonth: 0.1,
      }),
    ];
    const dayScan = `SELECT count(*), sum(vcpus), sum(memory_mb), sum(provisioned_disk_gb) FROM inventory_vm
                      WHERE snapshot_time >= '${DAY}'::timestamptz AND snapshot_time < '${DAY}'::timestamptz + interval '1 day'`;
    const monthScan = `SELECT count(*), sum(avg_vcpu_count), sum(avg_ram_gb), sum(avg_provisioned_disk) FROM chargeback_daily
                        WHERE day >= '${MONTH}-01' AND day < '${MONTH}-01'::date + interval '1 month'`;
    const dayScans: number[] = [];
    const days: number[] = [];
    const monthScans: number[] = [];
    const months: number[] = [];
    let dayRows = 0;
    let monthRows = 0;
    let dayRead = 0;
    let monthRead = 0;
    // A first round warms the caches for both sides and is not counted.
    for (let round = 0; round <= ROUNDS; round++) {
      const dayScanRun = await timed(() => client.query<{ count: string }>(dayScan));
      const dayRun = await timed(() => inTransaction(client, () => aggregateDay(client, config, DAY)));
      const monthScanRun = await timed(() => client.query<{ count: string }>(monthScan));
      const monthRun = await timed(() => inTransaction(client, () => aggregateMonth(client, config, MONTH)));
      if (round === 0) continue;
      dayScans.push(dayScanRun.seconds);
      days.push(dayRun.seconds);
      monthScans.push(monthScanRun.seconds);
      months.push(monthRun.seconds);
      dayRead = Number(dayScanRun.value.rows[0].count);
      monthRead = Number(monthScanRun.value.rows[0].count);
      dayRows = dayRun.value.rows;
      monthRows = monthRun.value.rows;
    }
    const day = median(days);
    const dayScanSeconds = median(dayScans);
    const month = median(months);
    const monthScanSeconds = median(monthScans);
    const dayRatio = day / dayScanSeconds;
    const monthRatio = month / monthScanSeconds;
    const rowsPerSecond = Math.round((dayRead + monthRead) / (day + month));
    const verdict = (ratio: number): string =>
      `target ${TARGET_RATIO}× ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}`;
    log(
      `aggregator bench: ${VCENTERS} vCenters × ${VMS_PER_VCENTER} VMs; medians of ${ROUNDS} alternating rounds after a warm-up`,
    );
    log(`  daily   bare scan (the limit) ${dayRead} rows in ${dayScanSeconds.toFixed(3)} s`);
    log(
      `  daily   aggregation           ${dayRows} summary rows in ${day.toFixed(3)} s = ${dayRatio.toFixed(2)}× (${verdict(dayRatio)}); runs ${days.map((s) => s.toFixed(3)).join(', ')} s`,
    );
    log(`  monthly bare scan (the limit) ${monthRead} rows in ${monthScanSeconds.toFixed(3)} s`);
    log(
      `  monthly aggregation           ${monthRows} summary rows in ${month.toFixed(3)} s = ${monthRatio.toFixed(2)}× (${verdict(monthRatio)}); runs ${months.map((s) => s.toFixed(3)).join(', ')} s`,
    );
    const uploads = await benchUploads(url);
    log(uploads);
    return `aggregator: daily ${day.toFixed(2)} s (${dayRatio.toFixed(2)}× a bare scan), monthly ${month.toFixed(2)} s (${monthRatio.toFixed(2)}× a bare scan), ${rowsPerSecond} rows/s; upload ${uploads.match(/= (\d+ rows\/s)/)![1]}`;
  } finally {
    await client.end().catch(() => undefined);
    await admin(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

runBench('aggregator', main);
