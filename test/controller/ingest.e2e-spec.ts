import type { Client } from 'pg';
import type { RunningApp } from '../support/apps';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { waitFor } from '../support/processes';
import {
  client,
  connect,
  databaseState,
  startController,
  vcenterBody,
  type ControllerClient,
} from './controller-harness';

const HOUR_MS = 3_600_000;
const thisHour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
const hourIso = (hoursAgo: number): string => new Date(thisHour - hoursAgo * HOUR_MS).toISOString();
const monthPartition = (table: string, iso: string): string =>
  `${table}_p${iso.slice(0, 4)}${iso.slice(5, 7)}`;

function vm(i: number) {
  return {
    moref: `vm-${i}`,
    name: `app-${i}`,
    uuid: `4210-${i}`,
    instanceUuid: `5010-${i}`,
    powerState: i % 7 === 0 ? 'poweredOff' : 'poweredOn',
    template: false,
    vcpus: 1 + (i % 8),
    memoryMb: 1024 * (1 + (i % 16)),
    provisionedDiskGb: 20.5 + i,
    hostMoref: `host-${i % 4}`,
    hostName: `esx-${i % 4}`,
    clusterName: 'cluster-1',
    datacenterName: 'dc-1',
    resourcePoolName: 'Resources',
    folderPath: `tenant-${i % 3}/prod`,
    createdAt: '2025-03-01T10:00:00.000Z',
    guestOs: null,
  };
}

function host(i: number) {
  return {
    moref: `host-${i}`,
    name: `esx-${i}`,
    clusterName: 'cluster-1',
    datacenterName: 'dc-1',
    cpuCores: 32,
    cpuSockets: 2,
    cpuMhz: 2600,
    memoryMb: 524_288,
    connectionState: 'connected',
    powerState: 'poweredOn',
    inMaintenance: i === 3,
  };
}

function event(key: number, createdTime: string) {
  return {
    key,
    chainId: key,
    type: 'VmPoweredOffEvent',
    createdTime,
    userName: 'VSPHERE.LOCAL\\admin',
    fullMessage: `app-${key} is powered off`,
    datacenter: { moref: 'datacenter-1', name: 'dc-1' },
    cluster: { moref: 'domain-c7', name: 'cluster-1' },
    host: { moref: 'host-1', name: 'esx-1' },
    vm: { moref: `vm-${key}`, name: `app-${key}` },
    fields: { template: false },
  };
}

describe('inventory snapshots and events on PostgreSQL', () => {
  let database: TestDatabase;
  let controller: RunningApp;
  let api: ControllerClient;
  let db: Client;
  let vcenterId: string;
  let epoch: number;

  beforeAll(async () => {
    database = await createTestDatabase();
    controller = await startController(database.url, { VCC_MEMBERSHIP_HEARTBEAT_INTERVAL_SECONDS: '60' });
    api = client(controller.url);
    db = await connect(database.url);
    vcenterId = (await api.post('/api/v1/vcenters', vcenterBody('vc-ingest'))).body.id;
    for (const name of ['c0', 'c1', 'c2']) {
      epoch = (await api.post('/api/v1/collectors/register', { name, version: '1' }, 'collector')).body
        .assignment.epoch;
    }
  });

  afterAll(async () => {
    await db?.end();
    if (controller) expect(await controller.stop()).toBe(0);
    await database?.drop();
  });

  /** The 12 VMs and 4 hosts of the estate, split into 3 groups by index modulo 3. */
  function shard(groupIndex: number, snapshotTime: string) {
    return {
      vcenter: 'vc-ingest',
      snapshotTime,
      epoch,
      groupIndex,
      groupCount: 3,
      vms: Array.from({ length: 12 }, (_, i) => i)
        .filter((i) => i % 3 === groupIndex)
        .map(vm),
      hosts: Array.from({ length: 4 }, (_, i) => i)
        .filter((i) => i % 3 === groupIndex)
        .map(host),
    };
  }

  const post = (body: unknown) => api.post('/api/v1/inventory/snapshots', body, 'collector');
  const rows = async (snapshotTime: string) =>
    (
      await db.query(
        `SELECT tableoid::regclass::text AS partition, moref, name, uuid, instance_uuid, power_state, template, vcpus,
                memory_mb, provisioned_disk_gb, host_moref, host_name, cluster_name, datacenter_name,
                resource_pool_name, folder_path, vm_created_at, guest_os, epoch, group_index
           FROM inventory_vm WHERE vcenter_id = $1 AND snapshot_time = $2 ORDER BY moref`,
        [vcenterId, snapshotTime],
      )
    ).rows;

  it('marks a snapshot complete once every group of its epoch reported, into monthly partitions', async () => {
    const time = hourIso(1);
    expect((await post(shard(0, time))).body).toMatchObject({
      groupsReported: 1,
      complete: false,
      vmRows: 4,
    });
    expect((await post(shard(1, time))).body).toMatchObject({ groupsReported: 2, complete: false });
    expect((await post(shard(2, time))).body).toMatchObject({
      groupsReported: 3,
      complete: true,
      hostRows: 1,
    });

    const [snapshot] = (await api.get(`/api/v1/inventory/snapshots?vcenter=vc-ingest&limit=1`, 'reader'))
      .body;
    expect(snapshot).toMatchObject({
      vcenterId,
      snapshotTime: time,
      complete: true,
      completeEpoch: epoch,
      groupCount: 3,
      vmCount: 12,
      hostCount: 4,
    });
    expect(snapshot.shards.map((s: { groupIndex: number }) => s.groupIndex)).toEqual([0, 1, 2]);

    const stored = await rows(time);
    expect(stored).toHaveLength(12);
    expect(stored[0]).toEqual({
      partition: monthPartition('inventory_vm', time),
      moref: 'vm-0',
      name: 'app-0',
      uuid: '4210-0',
      instance_uuid: '5010-0',
      power_state: 'poweredOff',
      template: false,
      vcpus: 1,
      memory_mb: 1024,
      provisioned_disk_gb: 20.5,
      host_moref: 'host-0',
      host_name: 'esx-0',
      cluster_name: 'cluster-1',
      datacenter_name: 'dc-1',
      resource_pool_name: 'Resources',
      folder_path: 'tenant-0/prod',
      vm_created_at: new Date('2025-03-01T10:00:00Z'),
      guest_os: null,
      epoch,
      group_index: 0,
    });
    const hosts = await db.query(
      `SELECT moref, cpu_cores, in_maintenance FROM inventory_host WHERE snapshot_time = $1 ORDER BY moref`,
      [time],
    );
    expect(hosts.rows).toEqual([
      { moref: 'host-0', cpu_cores: 32, in_maintenance: false },
      { moref: 'host-1', cpu_cores: 32, in_maintenance: false },
      { moref: 'host-2', cpu_cores: 32, in_maintenance: false },
      { moref: 'host-3', cpu_cores: 32, in_maintenance: true },
    ]);
  });

  it('leaves the same rows when a shard is posted again', async () => {
    const time = hourIso(1);
    const before = await rows(time);
    const again = await post(shard(1, time));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ groupsReported: 3, complete: true });
    expect(await rows(time)).toEqual(before);
    const shards = await db.query(
      'SELECT count(*)::int AS n FROM inventory_snapshot_shard WHERE snapshot_time = $1',
      [time],
    );
    expect(shards.rows[0].n).toBe(3);
  });

  it('completes a snapshot whose shards arrive at the same time', async () => {
    const time = hourIso(2);
    const replies = await Promise.all([0, 1, 2].map((group) => post(shard(group, time))));
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200]);
    expect(replies.filter((reply) => reply.body.complete)).toHaveLength(1);
    const registry = await db.query(
      'SELECT complete, vm_count FROM inventory_snapshot WHERE snapshot_time = $1',
      [time],
    );
    expect(registry.rows).toEqual([{ complete: true, vm_count: 12 }]);
  });

  it('does not count shards of another epoch towards completeness', async () => {
    const time = hourIso(3);
    await post(shard(0, time));
    await post(shard(1, time));
    const other = await post({ ...shard(2, time), epoch: epoch - 1 });
    expect(other.body).toMatchObject({ groupsReported: 1, complete: false });
    const registry = await db.query('SELECT complete FROM inventory_snapshot WHERE snapshot_time = $1', [
      time,
    ]);
    expect(registry.rows).toEqual([{ complete: false }]);
  });

  it('takes a shard of 20,000 VMs on the ingest body limit', async () => {
    const time = hourIso(4);
    const vms = Array.from({ length: 20_000 }, (_, i) => vm(i));
    const reply = await post({ ...shard(0, time), groupCount: 1, groupIndex: 0, vms, hosts: [] });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ vmRows: 20_000, complete: true });
    const count = await db.query('SELECT count(*)::int AS n FROM inventory_vm WHERE snapshot_time = $1', [
      time,
    ]);
    expect(count.rows[0].n).toBe(20_000);
  });

  it('stores events once per key, in the partition of their month, and tells the last key', async () => {
    const empty = await api.get(`/api/v1/vcenters/${vcenterId}/events/last-key`, 'collector');
    expect(empty.body).toEqual({ vcenterId, lastKey: null, lastTime: null });

    // An admin's backfill of a month long before the controller started gets its partition on demand.
    const old = '2025-02-14T08:00:00.000Z';
    const recent = new Date(thisHour).toISOString();
    const backfill = { vcenter: vcenterId, events: [event(10, old)] };
    expect((await api.post('/api/v1/events/backfill', backfill, 'collector')).status).toBe(403);
    expect((await api.post('/api/v1/events/backfill', backfill, 'admin')).body).toEqual({
      vcenterId,
      received: 1,
      stored: 1,
      duplicates: 0,
      lastKey: 10,
    });
    const first = await api.post(
      '/api/v1/events',
      { vcenter: vcenterId, events: [event(10, recent), event(11, recent), event(11, recent)] },
      'collector',
    );
    expect(first.body).toEqual({ vcenterId, received: 3, stored: 1, duplicates: 2, lastKey: 11 });

    // Two collectors racing with overlapping batches store each key once.
    const batches = await Promise.all([
      api.post(
        '/api/v1/events',
        { vcenter: 'vc-ingest', events: [event(11, recent), event(12, recent), event(13, recent)] },
        'collector',
      ),
      api.post(
        '/api/v1/events',
        { vcenter: 'vc-ingest', events: [event(12, recent), event(13, recent), event(14, recent)] },
        'collector',
      ),
    ]);
    expect(batches.reduce((n, reply) => n + reply.body.stored, 0)).toBe(3);

    const stored = await db.query(
      `SELECT tableoid::regclass::text AS partition, event_key, type, user_name, vm_moref, vm_name, cluster_name, fields
         FROM vcenter_event WHERE vcenter_id = $1 ORDER BY event_key`,
      [vcenterId],
    );
    expect(stored.rows.map((row) => row.event_key)).toEqual([10, 11, 12, 13, 14]);
    expect(stored.rows[0]).toEqual({
      partition: monthPartition('vcenter_event', old),
      event_key: 10,
      type: 'VmPoweredOffEvent',
      user_name: 'VSPHERE.LOCAL\\admin',
      vm_moref: 'vm-10',
      vm_name: 'app-10',
      cluster_name: 'cluster-1',
      fields: { template: false },
    });
    expect(stored.rows[1].partition).toBe(monthPartition('vcenter_event', recent));
    expect((await api.get(`/api/v1/vcenters/${vcenterId}/events/last-key`, 'collector')).body.lastKey).toBe(
      14,
    );

    const metrics = await (await fetch(`${controller.url}/metrics`)).text();
    expect(metrics).toContain('vcc_controller_ingested_rows_total{kind="event"} 5');
  });

  const partitions = async (table: string): Promise<number> =>
    (
      await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = $1::regclass',
        [table],
      )
    ).rows[0].n;

  it("refuses a collector's events and snapshots outside the ingest window, creating no partition", async () => {
    const before = await databaseState(db);
    const eventPartitions = await partitions('vcenter_event');
    // One event in each of 240 months, 1970 to 1989.
    const months = Array.from({ length: 240 }, (_, i) =>
      event(1000 + i, new Date(Date.UTC(1970, i, 15)).toISOString()),
    );
    const ancient = await api.post('/api/v1/events', { vcenter: vcenterId, events: months }, 'collector');
    expect(ancient.status).toBe(400);
    expect(ancient.body.fields).toEqual([
      { field: 'events.0.createdTime', problems: [expect.stringContaining('outside the ingest window')] },
    ]);
    const ahead = new Date(Date.now() + 3_600_000).toISOString();
    const future = await api.post(
      '/api/v1/events',
      { vcenter: vcenterId, events: [event(15, recentIso()), event(16, ahead)] },
      'collector',
    );
    expect(future.status).toBe(400);
    expect(future.body.fields[0].field).toBe('events.1.createdTime');

    const snapshot = await post(shard(0, '1999-06-01T00:00:00.000Z'));
    expect(snapshot.status).toBe(400);
    expect(snapshot.body.fields[0].field).toBe('snapshotTime');
    const nextHours = await post(shard(0, new Date(thisHour + 2 * HOUR_MS).toISOString()));
    expect(nextHours.status).toBe(400);

    expect(await partitions('vcenter_event')).toBe(eventPartitions);
    expect(await databaseState(db)).toEqual(before);
  });

  it('refuses a key further ahead of the stored last key than the bound, logs it, and keeps the last key', async () => {
    const lastKey = async () =>
      (await api.get(`/api/v1/vcenters/${vcenterId}/events/last-key`, 'collector')).body.lastKey;
    expect(await lastKey()).toBe(14);
    const before = await databaseState(db);
    const forged = await api.post(
      '/api/v1/events',
      { vcenter: vcenterId, events: [event(15, recentIso()), event(2_147_483_647, recentIso())] },
      'collector',
    );
    expect(forged.status).toBe(400);
    expect(forged.body.fields).toEqual([
      { field: 'events.1.key', problems: [expect.stringContaining('ingest.maxEventKeyAdvance')] },
    ]);
    expect(await databaseState(db)).toEqual(before);
    expect(await lastKey()).toBe(14);
    // The log line arrives through the process's stdout, a moment after the reply.
    const refusal = await waitFor('the refusal in the log', async () =>
      controller
        .logs()
        .find((line) =>
          String(line.message).includes('key 2147483647 is more than ingest.maxEventKeyAdvance'),
        ),
    );
    expect(refusal).toMatchObject({ level: 'warn', message: expect.stringContaining('vc-ingest') });
    // A key within the bound (here 1,000,000) is taken.
    const near = await api.post(
      '/api/v1/events',
      { vcenter: vcenterId, events: [event(14 + 1_000_000, recentIso())] },
      'collector',
    );
    expect(near.body).toMatchObject({ stored: 1, lastKey: 1_000_014 });
  });
});

describe('VM lifecycle on snapshot rows, from the stored events', () => {
  let database: TestDatabase;
  let controller: RunningApp;
  let api: ControllerClient;
  let db: Client;
  let epoch: number;

  beforeAll(async () => {
    database = await createTestDatabase();
    controller = await startController(database.url, { VCC_MEMBERSHIP_HEARTBEAT_INTERVAL_SECONDS: '60' });
    api = client(controller.url);
    db = await connect(database.url);
    await api.post('/api/v1/vcenters', vcenterBody('vc-lifecycle'));
    epoch = (await api.post('/api/v1/collectors/register', { name: 'c0', version: '1' }, 'collector')).body
      .assignment.epoch;
  });

  afterAll(async () => {
    await db?.end();
    if (controller) expect(await controller.stop()).toBe(0);
    await database?.drop();
  });

  const MINUTE_MS = 60_000;
  const at = (hoursAgo: number, minutes: number): string =>
    new Date(thisHour - hoursAgo * HOUR_MS + minutes * MINUTE_MS).toISOString();
  const lifecycle = (key: number, type: string, moref: string, createdTime: string) => ({
    ...event(key, createdTime),
    type,
    vm: { moref, name: `app-${moref}` },
  });
  const postEvents = async (...events: ReturnType<typeof lifecycle>[]) =>
    expect((await api.post('/api/v1/events', { vcenter: 'vc-lifecycle', events }, 'collector')).status).toBe(
      200,
    );
  const postShard = async (hoursAgo: number, vms: Record<string, unknown>[]) =>
    expect(
      (
        await api.post(
          '/api/v1/inventory/snapshots',
          {
            vcenter: 'vc-lifecycle',
            snapshotTime: hourIso(hoursAgo),
            epoch,
            groupIndex: 0,
            groupCount: 1,
            vms,
            hosts: [],
          },
          'collector',
        )
      ).status,
    ).toBe(200);
  const lifecycleRows = async () =>
    (
      await db.query(
        `SELECT snapshot_time, moref, creation_event_key, deletion_time, srm_placeholder, cloud_id
           FROM inventory_vm ORDER BY snapshot_time, moref`,
      )
    ).rows;
  const row = (hoursAgo: number, moref: string, fields: Record<string, unknown> = {}) => ({
    snapshot_time: new Date(hourIso(hoursAgo)),
    moref,
    creation_event_key: null,
    deletion_time: null,
    srm_placeholder: false,
    cloud_id: null,
    ...fields,
  });

  it('fills the creation event key and the deletion time from the events, whichever arrives second', async () => {
    // Events before the shard: vm-1 created, vm-2 cloned (created again later: the latest key counts),
    // vm-5 removed within the hour the late shard is of.
    await postEvents(
      lifecycle(101, 'VmCreatedEvent', 'vm-1', at(3, 30)),
      lifecycle(102, 'VmClonedEvent', 'vm-2', at(3, 35)),
      lifecycle(103, 'VmPoweredOffEvent', 'vm-3', at(3, 40)),
      lifecycle(104, 'VmRegisteredEvent', 'vm-2', at(3, 45)),
      lifecycle(105, 'VmRemovedEvent', 'vm-5', at(2, 10)),
    );
    await postShard(3, [
      { ...vm(4), srmPlaceholder: false, cloudId: 'f487ba71-058a-47a9-9e9a-def458c63fd5' },
    ]);
    await postShard(2, [
      vm(1),
      vm(2),
      { ...vm(3), srmPlaceholder: true, cloudId: null },
      { ...vm(4), srmPlaceholder: false, cloudId: 'f487ba71-058a-47a9-9e9a-def458c63fd5' },
      vm(5),
    ]);
    // Events after the rows: vm-3 deployed (its event came late), vm-4 removed during the second hour.
    await postEvents(
      lifecycle(106, 'VmDeployedEvent', 'vm-3', at(3, 50)),
      lifecycle(107, 'VmRemovedEvent', 'vm-4', at(2, 40)),
    );

    const cloudId = 'f487ba71-058a-47a9-9e9a-def458c63fd5';
    const expected = [
      // vm-4's removal falls in the later hour: the earlier row keeps no deletion time.
      row(3, 'vm-4', { cloud_id: cloudId }),
      row(2, 'vm-1', { creation_event_key: 101 }),
      row(2, 'vm-2', { creation_event_key: 104 }),
      row(2, 'vm-3', { creation_event_key: 106, srm_placeholder: true }),
      row(2, 'vm-4', { cloud_id: cloudId, deletion_time: new Date(at(2, 40)) }),
      row(2, 'vm-5', { deletion_time: new Date(at(2, 10)) }),
    ];
    expect(await lifecycleRows()).toEqual(expected);

    // A shard posted again, and events posted again, leave the same rows.
    await postShard(2, [vm(1), vm(2), { ...vm(3), srmPlaceholder: true }, { ...vm(4), cloudId }, vm(5)]);
    await postEvents(lifecycle(107, 'VmRemovedEvent', 'vm-4', at(2, 40)));
    expect(await lifecycleRows()).toEqual(expected);
  });
});

function recentIso(): string {
  return new Date(Date.now() - 60_000).toISOString();
}
