import type { Client } from 'pg';
import { ChargebackConfig, PerNodeClusterConfig, PriceCardConfig } from '@vcc/config';
import { aggregateDay, aggregateMonth, ChargebackInputError } from '../../apps/aggregator/chargeback';
import type { TestDatabase } from '../support/postgres';
import {
  addEvent,
  addHost,
  addSnapshots,
  addVcenter,
  addVm,
  chargebackDatabase,
  dump,
  hoursOf,
} from './chargeback-fixtures';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'aaaaaaaa-0000-4000-8000-000000000002';
const DAY = '2026-10-14';
// October has 31 × 24 = 744 hours: disk GB-months of a day are GB × hours / 744.

function config(): ChargebackConfig {
  const chargeback = new ChargebackConfig();
  chargeback.priceCards = [
    Object.assign(new PriceCardConfig(), {
      name: 'standard',
      vcpuHour: 0.01,
      ramGbHour: 0.005,
      diskGbMonth: 0.1,
    }),
    Object.assign(new PriceCardConfig(), {
      name: 'gold',
      scope: 'pool',
      match: 'Gold',
      vcpuHour: 0.03,
      ramGbHour: 0.01,
      diskGbMonth: 0.2,
    }),
    Object.assign(new PriceCardConfig(), {
      name: 'silver-running',
      scope: 'pool',
      match: 'silver',
      vcpuHour: 0.02,
      ramGbHour: 0.01,
      diskGbMonth: 0.1,
      poweredOnOnly: true,
    }),
  ];
  chargeback.filters.excludedTenants = ['excluded%'];
  chargeback.filters.srmActiveActiveVcenters = ['VC-B'];
  chargeback.filters.perNodeClusters = [
    Object.assign(new PerNodeClusterConfig(), { cluster: 'dedicated', hostMonth: 744 }),
  ];
  return chargeback;
}

describe('daily chargeback on PostgreSQL', () => {
  let database: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    ({ database, client } = await chargebackDatabase(['2026-10']));
    await addVcenter(client, A, 'vc-a');
    await addVcenter(client, B, 'VC-B');
    const all = hoursOf(DAY);
    await addSnapshots(client, A, all);
    // Yesterday's last and tomorrow's first snapshot are not the day's samples.
    await addSnapshots(client, A, [new Date('2026-10-13T23:00:00Z'), new Date('2026-10-15T00:00:00Z')]);
    await addVm(client, A, [new Date('2026-10-13T23:00:00Z'), new Date('2026-10-15T00:00:00Z')], {
      moref: 'vm-half',
      vcpus: 64,
    });

    // Present in the 12 samples 00:00–11:00, removed at 11:30.
    await addVm(client, A, hoursOf(DAY, [...Array(12).keys()]), {
      moref: 'vm-half',
      vcpus: 2,
      memory_mb: 4096,
      provisioned_disk_gb: 100,
      resource_pool_name: 'Gold',
    });
    await addEvent(client, A, 'VmRemovedEvent', `${DAY}T11:30:00Z`, { moref: 'vm-half' });
    // 2 vCPU in the 10 samples 00:00–09:00, 4 in the 14 from 10:00.
    await addVm(
      client,
      A,
      all,
      { moref: 'vm-resize', memory_mb: 8192, provisioned_disk_gb: 40, resource_pool_name: 'Silver' },
      (time) => ({ vcpus: time.getUTCHours() < 10 ? 2 : 4 }),
    );
    // Tin for 6 samples, Bronze for 12, Gold for 6; pool names in any case.
    await addVm(
      client,
      A,
      all,
      { moref: 'vm-move', memory_mb: 2048, provisioned_disk_gb: 20, creation_event_key: 77 },
      (time) => ({
        resource_pool_name: time.getUTCHours() < 6 ? 'tin' : time.getUTCHours() < 18 ? 'BRONZE' : 'gOLD',
        cluster_name: time.getUTCHours() < 18 ? 'old-cluster' : 'shared',
        vm_created_at: '2026-01-02T03:04:05Z',
      }),
    );
    // Created at 14:10 and removed at 14:50: between two snapshots, in none.
    await addEvent(
      client,
      A,
      'VmBeingCreatedEvent',
      `${DAY}T14:09:00Z`,
      { moref: 'vm-flash' },
      {
        configSpec: { numCPUs: '2', memoryMB: '2048' },
      },
    );
    await addEvent(client, A, 'VmCreatedEvent', `${DAY}T14:10:00Z`, {
      moref: 'vm-flash',
      name: 'flash',
      cluster: 'shared',
    });
    await addEvent(client, A, 'VmRemovedEvent', `${DAY}T14:50:00Z`, { moref: 'vm-flash', name: 'flash' });
    // Powered off 06:00–18:00: 12 powered-on hours and samples.
    await addVm(
      client,
      A,
      all,
      { moref: 'vm-power', vcpus: 4, memory_mb: 16384, resource_pool_name: 'Silver' },
      (time) => ({
        power_state: time.getUTCHours() >= 6 && time.getUTCHours() < 18 ? 'poweredOff' : 'poweredOn',
      }),
    );
    await addEvent(client, A, 'VmPoweredOffEvent', `${DAY}T06:00:00Z`, { moref: 'vm-power' });
    await addEvent(client, A, 'VmPoweredOnEvent', `${DAY}T18:00:00Z`, { moref: 'vm-power' });
    // Left out or reported apart.
    await addVm(client, A, all, { moref: 'vm-excluded', folder_path: 'Excluded-Co/web' });
    await addVm(client, A, all, { moref: 'vm-placeholder', srm_placeholder: true });
    await addVm(client, A, all, {
      moref: 'vm-template',
      template: true,
      power_state: 'poweredOff',
      provisioned_disk_gb: 30,
    });
    await addVm(client, A, all, { moref: 'vm-dedicated', vcpus: 8, cluster_name: 'dedicated' });
    // Hosts: two usable in 'shared' (one more in maintenance), two in the per-node cluster.
    for (const moref of ['host-1', 'host-2'])
      await addHost(client, A, all, { moref, cluster_name: 'shared', cpu_cores: 16, memory_mb: 131072 });
    await addHost(client, A, all, {
      moref: 'host-3',
      cluster_name: 'shared',
      cpu_cores: 16,
      memory_mb: 131072,
      in_maintenance: true,
    });
    for (const moref of ['host-4', 'host-5'])
      await addHost(client, A, all, { moref, cluster_name: 'dedicated', cpu_cores: 32, memory_mb: 262144 });

    // vCenter B missed 05:00 and 07:00 lacks a group: 22 samples.
    const bTimes = hoursOf(DAY).filter((time) => ![5, 7].includes(time.getUTCHours()));
    await addSnapshots(client, B, bTimes);
    await addSnapshots(client, B, hoursOf(DAY, [7]), false);
    await addVm(client, B, [...bTimes, ...hoursOf(DAY, [7])], { moref: 'vm-b', vcpus: 2 });
    await addVm(client, B, hoursOf(DAY, [7]), { moref: 'vm-only-in-incomplete' });
    await addVm(client, B, bTimes, { moref: 'vm-b-placeholder', srm_placeholder: true });

    await client.query('BEGIN');
    expect(await aggregateDay(client, config(), DAY)).toEqual({ rows: 9 });
    await client.query('COMMIT');
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  /** The columns a test asserts, as PostgreSQL prints them (exact decimal text, instants in UTC). */
  async function summary(
    vcenterId: string,
    moref: string,
  ): Promise<Record<string, string | null> | undefined> {
    const result = await client.query<Record<string, string | null>>(
      `SELECT name, pool::text, resource_pool, cluster, tenant, event_key::text, to_char(creation_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS creation_time,
              to_char(deletion_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS deletion_time,
              to_char(snapshot_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS snapshot_time,
              total_samples::text, samples_present::text, avg_is_present::text, avg_vcpu_count::text, avg_ram_gb::text,
              avg_provisioned_disk::text, pool_tin_pct::text, pool_bronze_pct::text, pool_silver_pct::text,
              pool_gold_pct::text, powered_on_samples::text, exact_present_hours::text, powered_on_hours::text,
              is_template::text, per_node::text, price_card, vcpu_hours::text, ram_gb_hours::text,
              disk_gb_months::text, cost::text
         FROM chargeback_daily WHERE vcenter_id = $1 AND day = $2 AND moref = $3`,
      [vcenterId, DAY, moref],
    );
    return result.rows[0];
  }

  it('prorates a VM present in 12 of 24 samples and ends it at its removal event', async () => {
    // 12 samples of 2 vCPU, 4 GB, 100 GB over 24: averages halve. Present 00:00–11:30 by the events.
    // Gold card: 23 vCPU-h × 0.03 + 46 GB-h × 0.01 + 100 GB × 11.5 h / 744 h (1.545699 GB-months) × 0.2.
    expect(await summary(A, 'vm-half')).toEqual(
      expect.objectContaining({
        total_samples: '24',
        samples_present: '12',
        avg_is_present: '0.5',
        avg_vcpu_count: '1',
        avg_ram_gb: '2',
        avg_provisioned_disk: '50',
        pool_gold_pct: '100',
        snapshot_time: '2026-10-14T11:00',
        deletion_time: '2026-10-14T11:30',
        creation_time: null,
        exact_present_hours: '11.5',
        powered_on_hours: '11.5',
        price_card: 'gold',
        vcpu_hours: '23',
        ram_gb_hours: '46',
        disk_gb_months: '1.545699',
        cost: '1.4591',
      }),
    );
  });

  it('averages a vCPU change mid-day over the samples', async () => {
    // (10 × 2 + 14 × 4) / 24 = 76 / 24 vCPU. Silver charges only powered-on hours: on all day, so
    // 76 vCPU-h × 0.02 + 192 GB-h × 0.01 + 40 GB × 24 / 744 (1.290323 GB-months) × 0.1.
    expect(await summary(A, 'vm-resize')).toEqual(
      expect.objectContaining({
        samples_present: '24',
        avg_vcpu_count: '3.166667',
        avg_ram_gb: '8',
        pool_silver_pct: '100',
        price_card: 'silver-running',
        vcpu_hours: '76',
        ram_gb_hours: '192',
        disk_gb_months: '1.290323',
        cost: '3.5690',
      }),
    );
  });

  it('splits a VM moving between pools by the samples in each, pool names in any case', async () => {
    // 6 samples in tin, 12 in BRONZE, 6 in gOLD: 25 %, 50 %, 25 %; placement and pool as last seen.
    expect(await summary(A, 'vm-move')).toEqual(
      expect.objectContaining({
        pool_tin_pct: '25',
        pool_bronze_pct: '50',
        pool_silver_pct: '0',
        pool_gold_pct: '25',
        pool: '4',
        resource_pool: 'gOLD',
        cluster: 'shared',
        tenant: 'tenant-a',
        event_key: '77',
        creation_time: '2026-01-02T03:04',
        price_card: 'gold',
        cost: '1.3290',
      }),
    );
  });

  it('charges a VM that lived 40 minutes between two snapshots', async () => {
    // Sampled presence 0; 14:10–14:50 is 0.666667 h; 2 vCPU and 2 GB from its configSpec, standard
    // card: 1.333333 × 0.01 + 1.333333 × 0.005.
    expect(await summary(A, 'vm-flash')).toEqual(
      expect.objectContaining({
        name: 'flash',
        samples_present: '0',
        avg_is_present: '0',
        avg_vcpu_count: '0',
        exact_present_hours: '0.666667',
        powered_on_hours: '0',
        deletion_time: '2026-10-14T14:50',
        snapshot_time: null,
        price_card: 'standard',
        vcpu_hours: '1.333333',
        ram_gb_hours: '1.333333',
        cost: '0.0200',
      }),
    );
  });

  it('charges only powered-on hours from the power events when the card says so', async () => {
    // Off 06:00–18:00: 12 h on; 4 vCPU × 12 × 0.02 + 16 GB × 12 × 0.01.
    expect(await summary(A, 'vm-power')).toEqual(
      expect.objectContaining({
        powered_on_samples: '12',
        exact_present_hours: '24',
        powered_on_hours: '12',
        vcpu_hours: '48',
        ram_gb_hours: '192',
        cost: '2.8800',
      }),
    );
  });

  it('counts only complete snapshots: a missed hour and one with a group missing are no samples', async () => {
    // 24 hours − 05:00 (missed) − 07:00 (incomplete) = 22 samples; the VM is in all 22.
    expect(await summary(B, 'vm-b')).toEqual(
      expect.objectContaining({
        total_samples: '22',
        samples_present: '22',
        avg_is_present: '1',
        avg_vcpu_count: '2',
      }),
    );
    expect(await summary(B, 'vm-only-in-incomplete')).toBeUndefined();
  });

  it('applies the filters: tenants, SRM placeholders, templates apart, per-node clusters', async () => {
    expect(await summary(A, 'vm-excluded')).toBeUndefined();
    expect(await summary(A, 'vm-placeholder')).toBeUndefined();
    expect(await summary(B, 'vm-b-placeholder')).toEqual(
      expect.objectContaining({ samples_present: '22', cost: '0.3600' }),
    );
    expect(await summary(A, 'vm-template')).toEqual(
      expect.objectContaining({ is_template: 'true', price_card: null, cost: '0.0000' }),
    );
    expect(await summary(A, 'vm-dedicated')).toEqual(
      expect.objectContaining({ per_node: 'true', price_card: null, cost: '0.0000' }),
    );
  });

  it('writes cluster capacity, idle capacity and the per-node host price', async () => {
    const clusters = await client.query(
      `SELECT cluster, host_count::text, host_hours::text, cpu_cores::text, memory_gb::text, allocated_vcpu::text,
              allocated_ram_gb::text, idle_vcpu::text, idle_ram_gb::text, per_node, cost::text
         FROM chargeback_cluster_daily WHERE vcenter_id = $1 AND day = $2 ORDER BY cluster`,
      [A, DAY],
    );
    // shared: 2 usable hosts (the third is in maintenance) of 16 cores and 128 GB; allocated the
    // average vCPU and RAM of vm-half (1, 2), vm-resize (3.166667, 8), vm-move (1, 2), vm-power
    // (4, 16). dedicated: 2 hosts × 24 h at 744 a month over October's 744 hours.
    expect(clusters.rows).toEqual([
      {
        cluster: 'dedicated',
        host_count: '2',
        host_hours: '48',
        cpu_cores: '64',
        memory_gb: '512',
        allocated_vcpu: '8',
        allocated_ram_gb: '1',
        idle_vcpu: '56',
        idle_ram_gb: '511',
        per_node: true,
        cost: '48.0000',
      },
      {
        cluster: 'shared',
        host_count: '2',
        host_hours: '48',
        cpu_cores: '32',
        memory_gb: '256',
        allocated_vcpu: '9.166667',
        allocated_ram_gb: '28',
        idle_vcpu: '22.833333',
        idle_ram_gb: '228',
        per_node: false,
        cost: '0.0000',
      },
    ]);
  });

  it('refreshes the hourly and daily totals of the vCenter', async () => {
    const totals = await client.query(
      `SELECT kind, to_char(period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS at, samples, vms::text,
              vcpus::text, tin::text, bronze::text, silver::text, gold::text, templates::text, cost::text
         FROM chargeback_totals WHERE vcenter_id = $1 AND (kind = 'daily' OR period_start = $2) ORDER BY kind`,
      [A, `${DAY}T20:00:00Z`],
    );
    // 20:00: vm-resize, vm-move, vm-power, vm-excluded, vm-placeholder, vm-dedicated (totals describe
    // the inventory, filters aside) and the template apart; vm-move in gOLD, two in Silver.
    // The day: 24 samples; vm-half is in 12 of them, so 6.5 VMs on average; vCPU 1 + 3.166667 + 1 +
    // 4 + 1 + 1 + 8; Gold 12 × vm-half + 6 × vm-move over 24 = 0.75. Cost: the VMs' 1.4591 +
    // 3.5690 + 1.3290 + 0.0200 + 2.8800 and the dedicated hosts' 48.
    expect(totals.rows).toEqual([
      {
        kind: 'daily',
        at: `${DAY}T00:00`,
        samples: 24,
        vms: '6.5',
        vcpus: '19.166667',
        tin: '0.25',
        bronze: '0.5',
        silver: '2',
        gold: '0.75',
        templates: '1',
        cost: '57.2571',
      },
      {
        kind: 'hourly',
        at: `${DAY}T20:00`,
        samples: 1,
        vms: '6',
        vcpus: '19',
        tin: '0',
        bronze: '0',
        silver: '2',
        gold: '1',
        templates: '1',
        cost: null,
      },
    ]);
  });

  it('re-running the day rewrites identical rows, in the caller transaction', async () => {
    const tables = [
      ['chargeback_daily', 'vcenter_id, day, moref'],
      ['chargeback_cluster_daily', 'vcenter_id, day, cluster'],
      ['chargeback_totals', 'kind, vcenter_id, period_start'],
    ];
    const dumpAll = async (): Promise<string[]> => {
      const dumps: string[] = [];
      for (const [table, key] of tables) dumps.push(await dump(client, table, key));
      return dumps;
    };
    const before = await dumpAll();
    await client.query('BEGIN');
    await aggregateDay(client, config(), DAY);
    await client.query('COMMIT');
    expect(await dumpAll()).toEqual(before);

    // Rolled back with the caller's transaction, a run leaves nothing of its own.
    await client.query('BEGIN');
    await client.query('DELETE FROM inventory_vm WHERE moref = $1', ['vm-resize']);
    await aggregateDay(client, config(), DAY);
    expect(await summary(A, 'vm-resize')).toBeUndefined();
    await client.query('ROLLBACK');
    expect(await dumpAll()).toEqual(before);
  });

  it('aggregates one vCenter alone without touching the others, with the same rows', async () => {
    const other = await dump(client, 'chargeback_daily', 'vcenter_id, day, moref');
    await client.query('BEGIN');
    expect(await aggregateDay(client, config(), DAY, B)).toEqual({ rows: 2 });
    // All of A's snapshots are complete, so its rows are read without the registry join: same rows.
    expect(await aggregateDay(client, config(), DAY, A)).toEqual({ rows: 7 });
    await client.query('COMMIT');
    expect(await dump(client, 'chargeback_daily', 'vcenter_id, day, moref')).toEqual(other);
  });

  it('rejects a day, month or vCenter it cannot aggregate, before writing', async () => {
    await expect(aggregateDay(client, config(), '2026-02-30')).rejects.toThrow(ChargebackInputError);
    await expect(aggregateDay(client, config(), "2026-10-14'; DROP TABLE vcenter; --")).rejects.toThrow(
      /day must be a date/,
    );
    await expect(aggregateDay(client, config(), DAY, 'not-a-uuid')).rejects.toThrow(
      /vcenterId must be a UUID/,
    );
    await expect(aggregateMonth(client, config(), '2026-13')).rejects.toThrow(/month must be a date/);
  });

  it('prices a VM by its most specific card: cluster over vCenter (by name, any case) over all', async () => {
    const card = (name: string, scope: 'all' | 'vcenter' | 'cluster', vcpuHour: number, match?: string) =>
      Object.assign(new PriceCardConfig(), { name, scope, match, vcpuHour });
    const cost = async (cards: PriceCardConfig[]): Promise<unknown> => {
      const priced = config();
      priced.priceCards = cards;
      await client.query('BEGIN');
      await aggregateDay(client, priced, DAY, B);
      const result = await client.query(
        `SELECT price_card, cost::text FROM chargeback_daily WHERE vcenter_id = $1 AND day = $2 AND moref = 'vm-b'`,
        [B, DAY],
      );
      await client.query('ROLLBACK');
      return result.rows[0];
    };
    // vm-b: 2 vCPU for 24 hours in cluster 'shared' of vCenter VC-B.
    const all = card('all', 'all', 0.01);
    const vcenter = card('vc', 'vcenter', 0.02, 'vc-b');
    const cluster = card('cl', 'cluster', 0.05, 'shared');
    expect(await cost([all])).toEqual({ price_card: 'all', cost: '0.4800' });
    expect(await cost([all, vcenter])).toEqual({ price_card: 'vc', cost: '0.9600' });
    expect(await cost([cluster, all, vcenter])).toEqual({ price_card: 'cl', cost: '2.4000' });
    expect(await cost([card('vc-id', 'vcenter', 0.03, B)])).toEqual({ price_card: 'vc-id', cost: '1.4400' });
    expect(await cost([card('other', 'cluster', 0.05, 'Shared')])).toEqual({
      price_card: null,
      cost: '0.0000',
    });
  });
});
