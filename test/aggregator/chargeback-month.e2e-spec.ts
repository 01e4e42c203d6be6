import type { Client } from 'pg';
import { ChargebackConfig, PriceCardConfig } from '@vcc/config';
import { aggregateDay, aggregateMonth } from '../../apps/aggregator/chargeback';
import type { TestDatabase } from '../support/postgres';
import {
  addEvent,
  addSnapshots,
  addVcenter,
  addVm,
  chargebackDatabase,
  dump,
  hoursOf,
} from './chargeback-fixtures';

const C = 'cccccccc-0000-4000-8000-000000000003';
const OCTOBER = [...Array(31).keys()].map((index) => `2026-10-${String(index + 1).padStart(2, '0')}`);

function config(): ChargebackConfig {
  const chargeback = new ChargebackConfig();
  chargeback.priceCards = [
    Object.assign(new PriceCardConfig(), {
      name: 'standard',
      vcpuHour: 0.01,
      ramGbHour: 0.005,
      diskGbMonth: 0.1,
    }),
  ];
  return chargeback;
}

describe('monthly chargeback on PostgreSQL', () => {
  let database: TestDatabase;
  let client: Client;

  async function monthly(moref: string): Promise<Record<string, string | null>> {
    const result = await client.query<Record<string, string | null>>(
      `SELECT to_char(creation_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS creation_time,
              to_char(deletion_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS deletion_time,
              total_samples::text, samples_present::text, avg_is_present::text, avg_vcpu_count::text,
              avg_ram_gb::text, avg_provisioned_disk::text, pool_tin_pct::text, pool_silver_pct::text,
              exact_present_hours::text, vcpu_hours::text, ram_gb_hours::text, disk_gb_months::text, cost::text
         FROM chargeback_monthly WHERE vcenter_id = $1 AND month = '2026-10-01' AND moref = $2`,
      [C, moref],
    );
    return result.rows[0];
  }

  beforeAll(async () => {
    ({ database, client } = await chargebackDatabase(['2026-10']));
    await addVcenter(client, C, 'vc-c');
    const month = OCTOBER.flatMap((day) => hoursOf(day));
    await addSnapshots(client, C, month);
    await addVm(client, C, month, {
      moref: 'vm-steady',
      vcpus: 2,
      memory_mb: 4096,
      provisioned_disk_gb: 50,
      resource_pool_name: 'Silver',
    });
    // Created 10 October 12:00, removed 20 October 12:00: in the 240 samples between.
    const created = new Date('2026-10-10T12:00:00Z').getTime();
    const removed = new Date('2026-10-20T12:00:00Z').getTime();
    await addVm(
      client,
      C,
      month.filter((time) => time.getTime() >= created && time.getTime() < removed),
      {
        moref: 'vm-mid',
        vcpus: 4,
        memory_mb: 8192,
        resource_pool_name: 'Tin',
        vm_created_at: '2026-10-10T12:00:00Z',
      },
    );
    await addEvent(client, C, 'VmCreatedEvent', '2026-10-10T12:00:00Z', { moref: 'vm-mid' });
    await addEvent(client, C, 'VmRemovedEvent', '2026-10-20T12:00:00Z', { moref: 'vm-mid' });

    await client.query('BEGIN');
    for (const day of OCTOBER) await aggregateDay(client, config(), day);
    expect(await aggregateMonth(client, config(), '2026-10')).toEqual({ rows: 2 });
    await client.query('COMMIT');
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it('prorates the day a VM was created (the README example)', async () => {
    const day = await client.query(
      `SELECT total_samples, samples_present, avg_is_present, avg_vcpu_count, avg_ram_gb, pool_tin_pct,
              exact_present_hours, vcpu_hours, ram_gb_hours, cost::text
         FROM chargeback_daily WHERE vcenter_id = $1 AND day = '2026-10-10' AND moref = 'vm-mid'`,
      [C],
    );
    // 12 of 24 samples (12:00–23:00) of 4 vCPU and 8 GB; 12 hours from its creation at 12:00;
    // 48 vCPU-h × 0.01 + 96 GB-h × 0.005.
    expect(day.rows).toEqual([
      {
        total_samples: 24,
        samples_present: 12,
        avg_is_present: 0.5,
        avg_vcpu_count: 2,
        avg_ram_gb: 4,
        pool_tin_pct: 100,
        exact_present_hours: 12,
        vcpu_hours: 48,
        ram_gb_hours: 96,
        cost: '0.9600',
      },
    ]);
  });

  it('weights the daily averages of a VM created and deleted mid-month by the days’ samples', async () => {
    // 744 samples in October. Daily vCPU: 2 on the 10th and 20th (12 of 24 samples), 4 on the 9
    // days between: (2 × 24 + 9 × 4 × 24 + 2 × 24) / 744 = 960 / 744. RAM 8 GB × 240 / 744.
    // Tin by vCTP's rule: 100 % on 11 days × 24 samples / 744 = 35.483871 %, although the VM was in
    // Tin in every sample it was seen in. Cost: 0.96 + 9 × 1.92 + 0.96.
    expect(await monthly('vm-mid')).toEqual({
      creation_time: '2026-10-10T12:00',
      deletion_time: '2026-10-20T12:00',
      total_samples: '744',
      samples_present: '240',
      avg_is_present: '0.322581',
      avg_vcpu_count: '1.290323',
      avg_ram_gb: '2.580645',
      avg_provisioned_disk: '0',
      pool_tin_pct: '35.483871',
      pool_silver_pct: '0',
      exact_present_hours: '240',
      vcpu_hours: '960',
      ram_gb_hours: '1920',
      disk_gb_months: '0',
      cost: '19.2000',
    });
  });

  it('sums the daily costs of a VM present all month', async () => {
    // Each day: 2 × 24 × 0.01 + 4 × 24 × 0.005 + 50 GB × 24 / 744 h (1.612903 GB-months) × 0.1 =
    // 1.1212903, stored 1.1213; the month is 31 of them. Disk: 31 × 1.612903.
    expect(await monthly('vm-steady')).toEqual(
      expect.objectContaining({
        samples_present: '744',
        avg_is_present: '1',
        avg_vcpu_count: '2',
        avg_ram_gb: '4',
        avg_provisioned_disk: '50',
        pool_silver_pct: '100',
        exact_present_hours: '744',
        disk_gb_months: '49.999993',
        cost: '34.7603',
      }),
    );
  });

  it('writes the monthly totals from the daily ones', async () => {
    const totals = await client.query(
      `SELECT samples, vms::text, vcpus::text, tin::text, silver::text, cost::text FROM chargeback_totals
        WHERE kind = 'monthly' AND vcenter_id = $1`,
      [C],
    );
    // VMs: 1 + 240 / 744; vCPU 2 + 960 / 744; cost 19.2000 + 34.7603.
    expect(totals.rows).toEqual([
      { samples: 744, vms: '1.322581', vcpus: '3.290323', tin: '0.322581', silver: '1', cost: '53.9603' },
    ]);
  });

  it('re-running the month rewrites identical rows', async () => {
    const before = [
      await dump(client, 'chargeback_monthly', 'vcenter_id, month, moref'),
      await dump(client, 'chargeback_totals', 'kind, vcenter_id, period_start'),
    ];
    await client.query('BEGIN');
    await aggregateMonth(client, config(), '2026-10');
    await client.query('COMMIT');
    expect([
      await dump(client, 'chargeback_monthly', 'vcenter_id, month, moref'),
      await dump(client, 'chargeback_totals', 'kind, vcenter_id, period_start'),
    ]).toEqual(before);
  });

  it('takes the month straight from the hourly snapshots on request', async () => {
    await client.query('BEGIN');
    expect(await aggregateMonth(client, config(), '2026-10', C, 'hourly')).toEqual({ rows: 2 });
    // The daily rules over the whole month: Tin is now 240 hits / 240 samples present; the cost is
    // charged once over the month's 240 hours.
    expect(await monthly('vm-mid')).toEqual(
      expect.objectContaining({
        samples_present: '240',
        avg_vcpu_count: '1.290323',
        pool_tin_pct: '100',
        exact_present_hours: '240',
        cost: '19.2000',
      }),
    );
    await client.query('ROLLBACK');
  });
  it('takes calendar days in the configured time zone', async () => {
    const auckland = config();
    auckland.timeZone = 'Pacific/Auckland';
    await client.query('BEGIN');
    await aggregateDay(client, auckland, '2026-10-14');
    // 14 October in Auckland (NZDT, UTC+13) is 13 October 11:00 to 14 October 11:00 UTC: vm-steady's
    // last sample of that day is at 10:00 UTC.
    const day = await client.query(
      `SELECT total_samples, to_char(snapshot_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS last
         FROM chargeback_daily WHERE vcenter_id = $1 AND day = '2026-10-14' AND moref = 'vm-steady'`,
      [C],
    );
    expect(day.rows).toEqual([{ total_samples: 24, last: '2026-10-14T10:00' }]);
    const totals = await client.query(
      `SELECT samples FROM chargeback_totals WHERE kind = 'daily' AND vcenter_id = $1 AND period_start = $2`,
      [C, '2026-10-13T11:00:00Z'],
    );
    expect(totals.rows).toEqual([{ samples: 24 }]);
    await client.query('ROLLBACK');
  });
});
