import { withContainerView, containerViewTraversal } from './container-view';
import type {
  ClusterInventory,
  DatastoreInventory,
  HostInventory,
  VmInventory,
  VmPowerState,
  HostConnectionState,
  HostPowerState,
} from './inventory.types';
import { retrieveProperties, type ObjectContent, type PropertySpec } from './property-collector';
import type { MoRef } from './soap/vim-decoder';
import type { VimSession } from './session';

export interface Inventory {
  vms: VmInventory[];
  hosts: HostInventory[];
  clusters: ClusterInventory[];
  datastores: DatastoreInventory[];
  /** runtime.bootTime of powered-on VMs and hosts where vCenter has it, in ms: their realtime samples start there. */
  bootTimeByMoref: Map<string, number>;
  /** VMs' config.guestId (e.g. ubuntu64Guest), for Telegraf's `guest` tag; not part of the snapshot rows. */
  guestIdByMoref: Map<string, string>;
}

/**
 * The one advanced setting the inventory reads, by key: an indexed path returns that element of
 * config.extraConfig alone, where the whole array would be dozens of settings per VM (vCenter
 * supports the index; vcsim 0.24 does not and reports the path missing, read as no vCD id).
 */
const VCD_CLOUD_UUID_PATH = 'config.extraConfig["cloud.uuid"]';

/**
 * What the inventory query reads, per type. Folders, datacenters, compute resources and resource
 * pools are read too so that names and paths are resolved locally, from one query.
 */
export const INVENTORY_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  VirtualMachine: [
    'name',
    'parent',
    'resourcePool',
    'runtime.powerState',
    'runtime.host',
    'runtime.bootTime',
    'config.uuid',
    'config.instanceUuid',
    'config.template',
    'config.hardware.numCPU',
    'config.hardware.memoryMB',
    'config.createDate',
    'config.guestId',
    'config.guestFullName',
    'config.managedBy',
    VCD_CLOUD_UUID_PATH,
    'summary.storage.committed',
    'summary.storage.uncommitted',
  ],
  HostSystem: [
    'name',
    'parent',
    'summary.hardware.numCpuCores',
    'summary.hardware.numCpuPkgs',
    'summary.hardware.cpuMhz',
    'summary.hardware.memorySize',
    'runtime.connectionState',
    'runtime.powerState',
    'runtime.inMaintenanceMode',
    'runtime.bootTime',
  ],
  ComputeResource: ['name', 'parent'],
  ClusterComputeResource: ['name', 'parent'],
  Datacenter: ['name', 'parent', 'vmFolder', 'hostFolder'],
  Folder: ['name', 'parent'],
  ResourcePool: ['name', 'parent', 'owner'],
  Datastore: ['name', 'parent', 'summary.capacity', 'summary.freeSpace'],
};

const GB = 1024 ** 3;

const INVENTORY_PROP_SET: PropertySpec[] = Object.entries(INVENTORY_PROPERTIES).map(([type, paths]) => ({
  type,
  pathSet: [...paths],
}));

/**
 * The whole inventory through one PropertyCollector query over one ContainerView on the root
 * folder, read page by page (RetrievePropertiesEx/ContinueRetrievePropertiesEx), never one call per
 * object.
 */
export async function retrieveInventory(session: VimSession, maxObjects = 1000): Promise<Inventory> {
  return buildInventory(await retrieveInventoryObjects(session, maxObjects));
}

/** The objects `retrieveInventory` builds the inventory from, for callers that keep and update them. */
export function retrieveInventoryObjects(session: VimSession, maxObjects = 1000): Promise<ObjectContent[]> {
  return session.withRelogin(() =>
    withContainerView(session, Object.keys(INVENTORY_PROPERTIES), (view) =>
      retrieveProperties(
        session,
        INVENTORY_PROP_SET,
        [{ obj: view, skip: true, selectSet: [containerViewTraversal] }],
        maxObjects,
      ),
    ),
  );
}

/**
 * The inventory properties of the given objects only, in one RetrievePropertiesEx call: for
 * updating a kept inventory after vCenter reported changes. Objects that no longer exist are left
 * out of the result (reportMissingObjectsInResults) instead of failing the whole call.
 */
export async function retrieveInventoryObjectsByRef(
  session: VimSession,
  refs: readonly MoRef[],
): Promise<ObjectContent[]> {
  if (refs.length === 0) return [];
  const objects = await session.withRelogin(() =>
    retrieveProperties(
      session,
      INVENTORY_PROP_SET,
      refs.map((obj) => ({ obj })),
      Math.max(refs.length, 1),
      { reportMissingObjectsInResults: true },
    ),
  );
  // vCenter reports a missing object as an ObjectContent with no properties and a fault in missingSet.
  return objects.filter((object) => Object.keys(object.props).length > 0);
}

/** Resolves names, clusters, datacenters and folder paths from the objects of one query. */
export function buildInventory(objects: ObjectContent[]): Inventory {
  const byRef = new Map<string, ObjectContent>();
  for (const object of objects) {
    const existing = byRef.get(object.obj.value);
    // A cluster matches both its own property spec and ComputeResource's; merge them.
    if (existing) Object.assign(existing.props, object.props);
    else byRef.set(object.obj.value, { ...object, props: { ...object.props } });
  }
  const get = (ref: unknown): ObjectContent | undefined =>
    ref ? byRef.get((ref as MoRef).value) : undefined;
  const nameOf = (ref: unknown): string | null => (get(ref)?.props.name as string | undefined) ?? null;
  const datacenterOf = (start: ObjectContent | undefined): ObjectContent | undefined => {
    for (let node = start, hops = 0; node && hops < 64; node = get(node.props.parent), hops++) {
      if (node.obj.type === 'Datacenter') return node;
    }
    return undefined;
  };
  const clusterOf = (host: ObjectContent | undefined): string | null => {
    const parent = get(host?.props.parent);
    return parent?.obj.type === 'ClusterComputeResource' ? ((parent.props.name as string) ?? null) : null;
  };

  const vms: VmInventory[] = [];
  const hosts: HostInventory[] = [];
  const clusters: ClusterInventory[] = [];
  const datastores: DatastoreInventory[] = [];
  const bootTimeByMoref = new Map<string, number>();
  const guestIdByMoref = new Map<string, string>();
  for (const object of byRef.values()) {
    const p = object.props;
    if (p['runtime.bootTime'] instanceof Date)
      bootTimeByMoref.set(object.obj.value, p['runtime.bootTime'].getTime());
    switch (object.obj.type) {
      case 'VirtualMachine': {
        if (typeof p['config.guestId'] === 'string')
          guestIdByMoref.set(object.obj.value, p['config.guestId']);
        const host = get(p['runtime.host']);
        const datacenter = datacenterOf(object);
        vms.push({
          moref: object.obj.value,
          name: String(p.name ?? object.obj.value),
          uuid: (p['config.uuid'] as string | undefined) ?? null,
          instanceUuid: (p['config.instanceUuid'] as string | undefined) ?? null,
          powerState: (p['runtime.powerState'] as VmPowerState | undefined) ?? 'poweredOff',
          template: p['config.template'] === true,
          vcpus: Number(p['config.hardware.numCPU'] ?? 0),
          memoryMb: Number(p['config.hardware.memoryMB'] ?? 0),
          provisionedDiskGb: round3(
            (Number(p['summary.storage.committed'] ?? 0) + Number(p['summary.storage.uncommitted'] ?? 0)) /
              GB,
          ),
          hostMoref: host?.obj.value ?? null,
          hostName: (host?.props.name as string | undefined) ?? null,
          clusterName: clusterOf(host),
          datacenterName: (datacenter?.props.name as string | undefined) ?? null,
          resourcePoolName: nameOf(p.resourcePool),
          folderPath: folderPath(object, datacenter, get),
          createdAt: p['config.createDate'] instanceof Date ? p['config.createDate'].toISOString() : null,
          guestOs:
            (p['config.guestFullName'] as string | undefined) ??
            (p['config.guestId'] as string | undefined) ??
            null,
          ...vmManagement(p['config.managedBy'], p[VCD_CLOUD_UUID_PATH]),
        });
        break;
      }
      case 'HostSystem':
        hosts.push({
          moref: object.obj.value,
          name: String(p.name ?? object.obj.value),
          clusterName: clusterOf(object),
          datacenterName: (datacenterOf(object)?.props.name as string | undefined) ?? null,
          cpuCores: Number(p['summary.hardware.numCpuCores'] ?? 0),
          cpuSockets: Number(p['summary.hardware.numCpuPkgs'] ?? 0),
          cpuMhz: Number(p['summary.hardware.cpuMhz'] ?? 0),
          memoryMb: Math.round(Number(p['summary.hardware.memorySize'] ?? 0) / 1024 ** 2),
          connectionState:
            (p['runtime.connectionState'] as HostConnectionState | undefined) ?? 'disconnected',
          powerState: (p['runtime.powerState'] as HostPowerState | undefined) ?? 'unknown',
          inMaintenance: p['runtime.inMaintenanceMode'] === true,
        });
        break;
      case 'ClusterComputeResource':
        clusters.push({
          moref: object.obj.value,
          name: String(p.name ?? object.obj.value),
          datacenterName: (datacenterOf(object)?.props.name as string | undefined) ?? null,
        });
        break;
      case 'Datastore':
        datastores.push({
          moref: object.obj.value,
          name: String(p.name ?? object.obj.value),
          datacenterName: (datacenterOf(object)?.props.name as string | undefined) ?? null,
          capacityGb: round3(Number(p['summary.capacity'] ?? 0) / GB),
          freeGb: round3(Number(p['summary.freeSpace'] ?? 0) / GB),
        });
        break;
    }
  }
  return {
    vms: sortByMoref(vms),
    hosts: sortByMoref(hosts),
    clusters: sortByMoref(clusters),
    datastores: sortByMoref(datastores),
    bootTimeByMoref,
    guestIdByMoref,
  };
}

/**
 * What config.managedBy and the `cloud.uuid` advanced setting say of a VM. Site Recovery Manager
 * registers its extension as `com.vmware.vcDr`, or `com.vmware.vcDr-<suffix>` for a custom plug-in
 * id, and marks its placeholders with type `placeholderVm`. vCloud Director marks the VMs it manages
 * with extension `com.vmware.vcloud` and keeps its own id of the VM in `cloud.uuid`; a VM taken out of
 * vCD (or cloned outside it) can keep the setting but not the mark, so the id counts only with it.
 */
export function vmManagement(
  managedBy: unknown,
  cloudUuidOption: unknown,
): { srmPlaceholder: boolean; cloudId: string | null } {
  const { extensionKey, type } = (managedBy ?? {}) as { extensionKey?: unknown; type?: unknown };
  const srm =
    typeof extensionKey === 'string' &&
    (extensionKey === 'com.vmware.vcDr' || extensionKey.startsWith('com.vmware.vcDr-'));
  const cloudUuid = (cloudUuidOption as { value?: unknown } | undefined)?.value;
  return {
    srmPlaceholder: srm && type === 'placeholderVm',
    cloudId:
      extensionKey === 'com.vmware.vcloud' && typeof cloudUuid === 'string' && cloudUuid !== ''
        ? cloudUuid
        : null,
  };
}

/** Folder names from the datacenter's VM folder down to the VM's parent, e.g. "tenant-a/prod". */
function folderPath(
  vm: ObjectContent,
  datacenter: ObjectContent | undefined,
  get: (ref: unknown) => ObjectContent | undefined,
): string {
  const names: string[] = [];
  const top = (datacenter?.props.vmFolder as MoRef | undefined)?.value;
  for (let node = get(vm.props.parent), hops = 0; node && hops < 64; node = get(node.props.parent), hops++) {
    if (node.obj.value === top || node.obj.type === 'Datacenter') break;
    names.unshift(String(node.props.name ?? node.obj.value));
  }
  return names.join('/');
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** vm-9 before vm-10: morefs compare by prefix, then numerically. */
export function compareMorefs(a: string, b: string): number {
  return compareKeys(morefKey(a), morefKey(b));
}

interface MorefKey {
  moref: string;
  prefix: string;
  number: number;
}

function morefKey(moref: string): MorefKey {
  const [, prefix, digits] = /^(.*?)(\d*)$/.exec(moref)!;
  return { moref, prefix, number: Number(digits || 0) };
}

function compareKeys(a: MorefKey, b: MorefKey): number {
  return a.prefix === b.prefix
    ? a.number - b.number || a.moref.localeCompare(b.moref)
    : a.prefix.localeCompare(b.prefix);
}

/** Rows in compareMorefs order, each moref parsed once: inventories are rebuilt often and hold 10^4–10^5 rows. */
function sortByMoref<T extends { moref: string }>(rows: T[]): T[] {
  return rows
    .map((row) => ({ row, key: morefKey(row.moref) }))
    .sort((a, b) => compareKeys(a.key, b.key))
    .map(({ row }) => row);
}
