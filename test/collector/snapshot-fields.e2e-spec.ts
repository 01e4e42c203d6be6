import { Client } from 'pg';
import { admin, probe } from '../simulator/simulator';
import { waitFor } from '../support/processes';
import { Cluster } from './cluster';

// Time scale: the cluster tests' (2 s cycles); snapshots stay hourly, so the collector posts the
// current hour's snapshot at its first cycle, and another only if the test crosses an hour.

const HOUR_MS = 3_600_000;
const VM_PATHS = ['config.managedBy', 'config.extraConfig["cloud.uuid"]'] as const;

interface Typed {
  value: unknown;
}
interface Probed {
  inventory: { objects: { type: string; moref: string; props: Record<string, Typed | undefined> }[] };
  events: { queried: { key: number; type: string; vm: string; createdTime: string }[] };
}
interface Row {
  snapshot_time: Date;
  moref: string;
  srm_placeholder: boolean;
  cloud_id: string | null;
  creation_event_key: number | null;
  deletion_time: Date | null;
}

describe('inventory snapshot rows from a collector on the vcc simulator', () => {
  jest.setTimeout(5 * 60_000);
  let cluster: Cluster;
  let db: Client;
  beforeAll(async () => {
    cluster = await Cluster.start({
      sink: { kind: 'prometheus' },
      simulator: { VCC_INVENTORY_SRM_PLACEHOLDER_PERCENT: '10', VCC_INVENTORY_VCLOUD_PERCENT: '20' },
    });
    db = new Client({ connectionString: cluster.database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await cluster?.stop();
  });

  /** Changes the simulated inventory; returns the last event key it posted. */
  const change = async (count: number): Promise<number> => {
    const reply = await admin(cluster.simulator!, 'POST', 'inventory-changes', { count });
    const { events } = JSON.parse(reply.body) as { events: { key: number }[] };
    return events[events.length - 1].key;
  };
  const storedLastKey = async (): Promise<number | null> =>
    (await db.query<{ key: number | null }>('SELECT max(event_key) AS key FROM vcenter_event')).rows[0].key;

  it("carry the simulator's SRM placeholders and vCD ids, and the creation and removal its events tell", async () => {
    // VMs created (and some removed) before the collector starts: their events come in by the tail.
    let lastKey = await change(20);
    const collector = await cluster.startCollector('c1');
    await waitFor('a complete snapshot and the events so far', async () => {
      const complete = await db.query('SELECT 1 FROM inventory_snapshot WHERE complete');
      return complete.rowCount && (await storedLastKey()) === lastKey ? true : undefined;
    });
    // Changes after the snapshot: removals of VMs it holds, and the creations still pending.
    lastKey = await change(20);
    await waitFor('the later events', async () => ((await storedLastKey()) === lastKey ? true : undefined));
    expect(await collector.stop()).toBe(0);

    const { inventory, events } = await probe<Probed>(cluster.simulator!, 'inventory:0', 'events');
    const rows = (
      await db.query<Row>(
        `SELECT snapshot_time, moref, srm_placeholder, cloud_id, creation_event_key, deletion_time
           FROM inventory_vm ORDER BY snapshot_time, moref`,
      )
    ).rows;

    // What the simulator serves now, read by pyVmomi, for the VMs it still has.
    const served = new Map(
      inventory.objects
        .filter((o) => o.type === 'VirtualMachine')
        .map((o) => {
          const [managedBy, cloudUuid] = VM_PATHS.map((path) => o.props[path]?.value);
          const { extensionKey, type } = (managedBy ?? {}) as { extensionKey?: string; type?: string };
          return [
            o.moref,
            {
              srm: extensionKey === 'com.vmware.vcDr' && type === 'placeholderVm',
              cloudId: extensionKey === 'com.vmware.vcloud' ? (cloudUuid as { value: string }).value : null,
            },
          ];
        }),
    );
    const stillThere = rows.filter((row) => served.has(row.moref));
    expect(
      stillThere.map((row) => ({ moref: row.moref, srm: row.srm_placeholder, cloudId: row.cloud_id })),
    ).toEqual(stillThere.map((row) => ({ moref: row.moref, ...served.get(row.moref)! })));
    const inRows = new Set(rows.map((row) => row.moref));
    const placeholders = [...served].filter(([, vm]) => vm.srm).map(([moref]) => moref);
    const vcd = [...served].filter(([, vm]) => vm.cloudId).map(([moref]) => moref);
    expect(placeholders.length).toBeGreaterThan(0);
    expect(vcd.length).toBeGreaterThan(0);
    expect([...placeholders, ...vcd].filter((moref) => !inRows.has(moref))).toEqual([]);

    // The creation key is the VM's latest VmCreatedEvent; the deletion time its VmRemovedEvent's,
    // on the row of the hour it fell in.
    const created = new Map<string, number>();
    const removed = new Map<string, number>();
    for (const event of [...events.queried].sort((a, b) => a.key - b.key)) {
      if (event.type === 'VmCreatedEvent') created.set(event.vm, event.key);
      if (event.type === 'VmRemovedEvent') removed.set(event.vm, Date.parse(event.createdTime));
    }
    const expected = rows.map((row) => {
      const removal = removed.get(row.moref);
      const start = row.snapshot_time.getTime();
      return {
        moref: row.moref,
        creationEventKey: created.get(row.moref) ?? null,
        deletionTime: removal !== undefined && removal >= start && removal < start + HOUR_MS ? removal : null,
      };
    });
    expect(
      rows.map((row) => ({
        moref: row.moref,
        creationEventKey: row.creation_event_key,
        deletionTime: row.deletion_time?.getTime() ?? null,
      })),
    ).toEqual(expected);
    // The run exercised both: VMs created by events and VMs removed after the snapshot held them.
    expect(expected.filter((row) => row.creationEventKey !== null).length).toBeGreaterThan(0);
    expect(expected.filter((row) => row.deletionTime !== null).length).toBeGreaterThan(0);
  });
});
