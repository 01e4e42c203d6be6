/**
 * Latency of the aggregator's pages with a full estate: 4 vCenters × 10,000 VMs × 45 days of daily
 * summary rows (1.8 million) ending yesterday, their daily totals and 45 days of hourly totals, in
 * a throwaway database of its own. Starts the built aggregator and asks each page ~50 times in a
 * row with a reader token (after a warm-up), printing the 95th percentile against the 300 ms target.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createMonthlyPartition, dataSourceOptions, monthlyPartition } from '@vcc/database';
import { startApp } from '../../test/support/apps';

const VCENTERS = 4;
const VMS_PER_VCENTER = 10_000;
const DAYS = 45;
const REQUESTS = 50;
const WARM_UP = 3;
const TARGET_MS = 300;
const READER_TOKEN = randomBytes(24).toString('hex');

const isoDay = (time: number): string => new Date(time).toISOString().slice(0, 10);

async function admin(server: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function generate(client: Client, first: string, last: string): Promise<void> {
  for (let month = new Date(`${first.slice(0, 7)}-01T00:00:00Z`); month <= new Date(`${last}T00:00:00Z`);) {
    await createMonthlyPartition(client, 'chargeback_daily', monthlyPartition('chargeback_daily', month));
    month = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1));
  }
  await client.query(
    `INSERT INTO vcenter (id, name, sdk_url, username, password_enc)
     SELECT gen_random_uuid(), 'vc-' || n, 'https://vc-' || n || '/sdk', 'bench', 'enc:v1:bench' FROM generate_series(1, $1) n`,
    [VCENTERS],
  );
  const days = `generate_series('${first}'::timestamp, '${last}'::timestamp, interval '1 day') d`;
  // Day after day, as the daily job writes them.
  await client.query(`
    INSERT INTO chargeback_daily (vcenter_id, day, moref, name, vm_uuid, instance_uuid, srm_placeholder, is_template,
                                  powered_on, datacenter, cluster, folder, resource_pool, tenant, pool, snapshot_time,
                                  total_samples, samples_present, avg_is_present, avg_vcpu_count, avg_ram_gb,
                                  avg_provisioned_disk, pool_tin_pct, pool_bronze_pct, pool_silver_pct, pool_gold_pct,
                                  powered_on_samples, exact_present_hours, powered_on_hours, per_node, price_card,
                                  vcpu_hours, ram_gb_hours, disk_gb_months, cost)
    SELECT vc.id, d::date, 'vm-' || n, 'vm-name-' || n, md5(vc.id::text || n), md5(n || vc.id::text), false,
           n % 200 = 0, true, 'dc1', 'cluster-' || n % 10, 'tenant-' || n % 200 || '/app-' || n % 7,
           (ARRAY['Tin', 'Bronze', 'Silver', 'Gold', 'prod', 'dev'])[1 + n % 6], 'tenant-' || n % 200,
           (ARRAY[1, 2, 3, 4, 0, 0])[1 + n % 6], (d + interval '23 hours') AT TIME ZONE 'UTC', 24, 24, 1,
           1 + n % 8, 1 + n % 16, 40 + (n % 500) * 1.5, CASE WHEN n % 6 = 0 THEN 100 ELSE 0 END,
           CASE WHEN n % 6 = 1 THEN 100 ELSE 0 END, CASE WHEN n % 6 = 2 THEN 100 ELSE 0 END,
           CASE WHEN n % 6 = 3 THEN 100 ELSE 0 END, 24, 24, 24, false, 'standard', (1 + n % 8) * 24,
           (1 + n % 16) * 24, (40 + (n % 500) * 1.5) * 24 / 720, round(((1 + n % 8) * 24 * 0.01)::numeric, 4)
      FROM ${days}, vcenter vc, generate_series(1, ${VMS_PER_VCENTER}) n
     ORDER BY d, vc.id, n`);
  await client.query(`
    INSERT INTO chargeback_totals (kind, vcenter_id, period_start, samples, vms, vcpus, ram_gb, disk_gb, tin, bronze,
                                   silver, gold, templates, cost)
    SELECT 'daily', t.vcenter_id, t.day::timestamp AT TIME ZONE 'UTC', 24, count(*), sum(avg_vcpu_count),
           sum(avg_ram_gb), sum(avg_provisioned_disk), count(*) FILTER (WHERE pool = 1),
           count(*) FILTER (WHERE pool = 2), count(*) FILTER (WHERE pool = 3), count(*) FILTER (WHERE pool = 4),
           count(*) FILTER (WHERE is_template), sum(cost)
      FROM chargeback_daily t GROUP BY t.vcenter_id, t.day`);
  await client.query(`
    INSERT INTO chargeback_totals (kind, vcenter_id, period_start, samples, vms, vcpus, ram_gb, disk_gb, tin, bronze,
                                   silver, gold, templates, cost)
    SELECT 'hourly', t.vcenter_id, t.period_start + h * interval '1 hour', 1, vms, vcpus, ram_gb, disk_gb, tin,
           bronze, silver, gold, templates, NULL
      FROM chargeback_totals t, generate_series(0, 23) h WHERE t.kind = 'daily'`);
  await client.query('VACUUM ANALYZE');
}

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
}

/** Seeds its own database on `server`, measures every page's p95, prints it with `log`, drops the database. */
/** Logs each page's p50 and p95, and returns the slowest page's p95 for the summary line. */
export async function benchPages(server: string, log: (line: string) => void): Promise<string> {
  const name = `vcc_bench_pages_${randomBytes(4).toString('hex')}`;
  await admin(server, `CREATE DATABASE "${name}"`);
  const parsed = new URL(server);
  parsed.pathname = `/${name}`;
  const url = parsed.toString();
  const client = new Client({ connectionString: url });
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  try {
    const dataSource = new DataSource(
      dataSourceOptions({ url, poolSize: 1, migrate: true, embedded: {} } as never),
    );
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.destroy();
    await client.connect();
    const yesterday = isoDay(Date.now() - 86_400_000);
    const first = isoDay(Date.now() - DAYS * 86_400_000);
    const started = performance.now();
    await generate(client, first, yesterday);
    log(
      `pages bench: ${VCENTERS * VMS_PER_VCENTER} VMs × ${DAYS} days of daily rows (${first}..${yesterday}) generated in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const vcenter = (await client.query<{ id: string }>(`SELECT id FROM vcenter WHERE name = 'vc-1'`)).rows[0]
      .id;
    app = await startApp('aggregator', {
      env: {
        VCC_DATABASE_URL: url,
        VCC_SCHEDULE_ENABLED: 'false',
        VCC_AUTH_TOKENS: JSON.stringify([{ name: 'bench', role: 'reader', token: READER_TOKEN }]),
      },
    });
    const pages: [string, string][] = [
      ['totals daily (45 days)', '/pages/totals'],
      ['totals hourly (2 days)', '/pages/totals?granularity=hourly'],
      ['daily summary (100 rows)', '/pages/daily'],
      ['daily summary by name', '/pages/daily?name=name-4242'],
      ['VM search (a day)', '/pages/vm?name=vm-name-4242'],
      [
        'VM trace daily (45 days)',
        `/pages/vm?vcenter=${vcenter}&moref=vm-4242&from=${first}&to=${yesterday}`,
      ],
    ];
    const figures: string[] = [];
    let slowest = { label: '', p95: 0 };
    for (const [label, path] of pages) {
      const times: number[] = [];
      for (let request = 0; request < WARM_UP + REQUESTS; request++) {
        const begin = performance.now();
        const response = await fetch(`${app.url}${path}`, {
          headers: { authorization: `Bearer ${READER_TOKEN}` },
        });
        const body = await response.text();
        if (response.status !== 200)
          throw new Error(`${path} answered ${response.status}: ${body.slice(0, 200)}`);
        if (request >= WARM_UP) times.push(performance.now() - begin);
      }
      const p95 = percentile(times, 0.95);
      log(
        `  ${label.padEnd(26)} p50 ${percentile(times, 0.5).toFixed(0).padStart(4)} ms, p95 ${p95.toFixed(0).padStart(4)} ms (${p95 < TARGET_MS ? 'met' : 'NOT met'})  ${path}`,
      );
      figures.push(`${label} ${p95.toFixed(0)} ms`);
      if (p95 > slowest.p95) slowest = { label, p95 };
    }
    log(`pages: p95 over ${REQUESTS} requests (target ${TARGET_MS} ms): ${figures.join(', ')}`);
    return `slowest page p95 ${slowest.p95.toFixed(0)} ms (${slowest.label}; target ${TARGET_MS} ms ${slowest.p95 < TARGET_MS ? 'met' : 'NOT met'})`;
  } finally {
    await app?.stop();
    await client.end().catch(() => undefined);
    await admin(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}
