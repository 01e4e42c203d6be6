import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createMonthlyPartition, dataSourceOptions, monthlyPartition } from '@vcc/database';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

/** A migrated test database and a client on it, with monthly partitions of the source tables. */
export async function chargebackDatabase(
  months: string[],
): Promise<{ database: TestDatabase; client: Client }> {
  const database = await createTestDatabase();
  const dataSource = new DataSource(dataSourceOptions({ url: database.url, poolSize: 1 } as never));
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
  const client = new Client({ connectionString: database.url });
  await client.connect();
  for (const table of ['inventory_vm', 'inventory_host', 'vcenter_event'])
    for (const month of months)
      await createMonthlyPartition(client, table, monthlyPartition(table, new Date(`${month}-01T00:00:00Z`)));
  return { database, client };
}

export async function addVcenter(client: Client, id: string, name: string): Promise<void> {
  await client.query(
    `INSERT INTO vcenter (id, name, sdk_url, username, password_enc) VALUES ($1, $2, 'https://vc/sdk', 'u', 'enc:v1:x')`,
    [id, name],
  );
}

/** Snapshot registry rows at the given instants. */
export async function addSnapshots(
  client: Client,
  vcenterId: string,
  times: Date[],
  complete = true,
): Promise<void> {
  await client.query(
    `INSERT INTO inventory_snapshot (vcenter_id, snapshot_time, complete)
     SELECT $1, t, $3 FROM unnest($2::timestamptz[]) AS t`,
    [vcenterId, times, complete],
  );
}

export interface VmRow {
  moref: string;
  name?: string;
  power_state?: 'poweredOn' | 'poweredOff' | 'suspended';
  template?: boolean;
  vcpus?: number;
  memory_mb?: number;
  provisioned_disk_gb?: number;
  cluster_name?: string | null;
  datacenter_name?: string | null;
  resource_pool_name?: string | null;
  folder_path?: string;
  vm_created_at?: string | null;
  srm_placeholder?: boolean;
  creation_event_key?: number | null;
  cloud_id?: string | null;
}

/** The VM in each of the snapshots at `times`; `at` overrides columns per instant. */
export async function addVm(
  client: Client,
  vcenterId: string,
  times: Date[],
  vm: VmRow,
  at: (time: Date) => Partial<VmRow> = () => ({}),
): Promise<void> {
  const rows = times.map((time) => ({
    vcenter_id: vcenterId,
    snapshot_time: time.toISOString(),
    name: vm.moref,
    power_state: 'poweredOn',
    template: false,
    vcpus: 1,
    memory_mb: 1024,
    provisioned_disk_gb: 0,
    cluster_name: 'shared',
    datacenter_name: 'dc1',
    resource_pool_name: null,
    folder_path: 'tenant-a/prod',
    vm_created_at: null,
    srm_placeholder: false,
    creation_event_key: null,
    cloud_id: null,
    uuid: `uuid-${vm.moref}`,
    ...vm,
    ...at(time),
  }));
  await client.query(
    `INSERT INTO inventory_vm (vcenter_id, snapshot_time, moref, name, uuid, power_state, template, vcpus, memory_mb,
                               provisioned_disk_gb, cluster_name, datacenter_name, resource_pool_name, folder_path,
                               vm_created_at, srm_placeholder, creation_event_key, cloud_id, epoch, group_index)
     SELECT vcenter_id, snapshot_time, moref, name, uuid, power_state, template, vcpus, memory_mb, provisioned_disk_gb,
            cluster_name, datacenter_name, resource_pool_name, folder_path, vm_created_at, srm_placeholder,
            creation_event_key, cloud_id, 1, 0
       FROM jsonb_to_recordset($1::jsonb) AS r(vcenter_id uuid, snapshot_time timestamptz, moref text, name text,
            uuid text, power_state text, template boolean, vcpus integer, memory_mb integer,
            provisioned_disk_gb double precision, cluster_name text, datacenter_name text, resource_pool_name text,
            folder_path text, vm_created_at timestamptz, srm_placeholder boolean, creation_event_key integer,
            cloud_id text)`,
    [JSON.stringify(rows)],
  );
}

export interface HostRow {
  moref: string;
  cluster_name: string | null;
  cpu_cores: number;
  memory_mb: number;
  in_maintenance?: boolean;
}

export async function addHost(
  client: Client,
  vcenterId: string,
  times: Date[],
  host: HostRow,
): Promise<void> {
  await client.query(
    `INSERT INTO inventory_host (vcenter_id, snapshot_time, moref, name, cluster_name, datacenter_name, cpu_cores,
                                 cpu_sockets, cpu_mhz, memory_mb, connection_state, power_state, in_maintenance,
                                 epoch, group_index)
     SELECT $1, t, $3, $3, $4, 'dc1', $5, 2, 2400, $6, 'connected', 'poweredOn', $7, 1, 0
       FROM unnest($2::timestamptz[]) AS t`,
    [
      vcenterId,
      times,
      host.moref,
      host.cluster_name,
      host.cpu_cores,
      host.memory_mb,
      host.in_maintenance ?? false,
    ],
  );
}

let eventKey = 1000;

export async function addEvent(
  client: Client,
  vcenterId: string,
  type: string,
  at: string,
  vm: { moref: string; name?: string; cluster?: string },
  fields: Record<string, unknown> = {},
): Promise<number> {
  const key = eventKey++;
  await client.query(
    `INSERT INTO vcenter_event (vcenter_id, event_key, chain_id, type, created_time, vm_moref, vm_name, cluster_name,
                                datacenter_name, fields)
     VALUES ($1, $2, $2, $3, $4, $5, $6, $7, 'dc1', $8)`,
    [vcenterId, key, type, at, vm.moref, vm.name ?? vm.moref, vm.cluster ?? null, JSON.stringify(fields)],
  );
  return key;
}

/** Instants every hour on the hour of `day` (UTC), `hours` picking which (all 24 by default). */
export function hoursOf(day: string, hours: number[] = [...Array(24).keys()]): Date[] {
  return hours.map((hour) => new Date(`${day}T${String(hour).padStart(2, '0')}:00:00Z`));
}

/** A stable text dump of a table, one line per row in key order, to compare runs byte for byte. */
export async function dump(client: Client, table: string, orderBy: string): Promise<string> {
  const result = await client.query<{ line: string }>(
    `SELECT t::text AS line FROM ${table} t ORDER BY ${orderBy}`,
  );
  return result.rows.map((row) => row.line).join('\n');
}
