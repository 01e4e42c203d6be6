/**
 * The simulated vCenter's inventory: plain records keyed by moref, linked by morefs as vCenter's
 * managed objects are. Morefs come from one sequence, as in vCenter (datacenter-2, group-v3, vm-41…).
 */

export interface FolderRecord {
  kind: 'Folder';
  moref: string;
  name: string;
  parent?: string;
  /** The child types vCenter allows in this folder (Folder.childType). */
  childType: string[];
  children: string[];
}

export interface DatacenterRecord {
  kind: 'Datacenter';
  moref: string;
  name: string;
  parent: string;
  vmFolder: string;
  hostFolder: string;
  datastoreFolder: string;
  networkFolder: string;
  datastores: string[];
  networks: string[];
}

export interface ClusterRecord {
  kind: 'ClusterComputeResource';
  moref: string;
  name: string;
  parent: string;
  datacenter: string;
  hosts: string[];
  resourcePool: string;
  datastores: string[];
  networks: string[];
}

export interface HostRecord {
  kind: 'HostSystem';
  moref: string;
  name: string;
  parent: string;
  datacenter: string;
  vms: string[];
  datastores: string[];
  networks: string[];
  vendor: string;
  model: string;
  uuid: string;
  cpuModel: string;
  cpuMhz: number;
  cpuPkgs: number;
  cpuCores: number;
  cpuThreads: number;
  memoryBytes: number;
  nics: number;
  bootTime: number;
}

export interface ResourcePoolRecord {
  kind: 'ResourcePool';
  moref: string;
  name: string;
  parent: string;
  owner: string;
  pools: string[];
  vms: string[];
}

export interface DatastoreRecord {
  kind: 'Datastore';
  moref: string;
  name: string;
  parent: string;
  datacenter: string;
  /** The VMFS volume UUID; also the instance name of datastore-level perf counters. */
  uuid: string;
  capacityBytes: number;
  freeBytes: number;
  hosts: string[];
  vms: string[];
}

export interface NetworkRecord {
  kind: 'Network';
  moref: string;
  name: string;
  parent: string;
  hosts: string[];
  vms: string[];
}

export interface VirtualDiskRecord {
  key: number;
  /** SCSI unit number on controller 0: the disk's perf instance is `scsi0:<unit>`. */
  unitNumber: number;
  capacityKb: number;
  /** Space the disk takes on its datastore: all of it when thick, part of it when thin. */
  committedKb: number;
  thin: boolean;
}

export interface NicRecord {
  /** Device key: the NIC's perf instance name ("4000", "4001"…). */
  key: number;
  macAddress: string;
}

export type PowerState = 'poweredOn' | 'poweredOff' | 'suspended';

export interface VmRecord {
  kind: 'VirtualMachine';
  moref: string;
  name: string;
  /** The VM folder holding it. */
  parent: string;
  /** Unset for templates, as in vCenter. */
  resourcePool?: string;
  host: string;
  datastore: string;
  network: string;
  powerState: PowerState;
  template: boolean;
  numCpu: number;
  coresPerSocket: number;
  memoryMb: number;
  uuid: string;
  instanceUuid: string;
  /** Epoch ms. */
  createDate: number;
  guestId: string;
  guestFullName: string;
  disks: VirtualDiskRecord[];
  nics: NicRecord[];
  /** Between VmBeingCreatedEvent and VmCreatedEvent: `config` is not readable yet. */
  creating: boolean;
  /** Epoch ms of the last power on. */
  bootTime?: number;
  /** config.managedBy: the extension (SRM, vCloud Director) that manages the VM. */
  managedBy?: { extensionKey: string; type: string };
  /** config.extraConfig: advanced settings, [key, value]. */
  extraConfig: [key: string, value: string][];
}

export type EntityRecord =
  | FolderRecord
  | DatacenterRecord
  | ClusterRecord
  | HostRecord
  | ResourcePoolRecord
  | DatastoreRecord
  | NetworkRecord
  | VmRecord;

export type EntityKind = EntityRecord['kind'];

export const ROOT_FOLDER = 'group-d1';

export class Inventory {
  readonly entities = new Map<string, EntityRecord>();
  private lastId = 1;

  constructor(readonly rootFolder: FolderRecord) {
    this.entities.set(rootFolder.moref, rootFolder);
  }

  /** A moref with the next number of the vCenter-wide sequence: vm-42, group-v7, domain-c9. */
  nextMoref(prefix: string): string {
    this.lastId += 1;
    return `${prefix}${this.lastId}`;
  }

  add<R extends EntityRecord>(record: R): R {
    this.entities.set(record.moref, record);
    return record;
  }

  get(moref: string): EntityRecord | undefined {
    return this.entities.get(moref);
  }

  /** The record when it exists and is of the given kind. */
  find<K extends EntityKind>(moref: string, kind: K): Extract<EntityRecord, { kind: K }> | undefined {
    const record = this.entities.get(moref);
    return record?.kind === kind ? (record as Extract<EntityRecord, { kind: K }>) : undefined;
  }

  require<K extends EntityKind>(moref: string, kind: K): Extract<EntityRecord, { kind: K }> {
    const record = this.find(moref, kind);
    if (!record) throw new Error(`inventory has no ${kind} ${moref}`);
    return record;
  }

  *ofKind<K extends EntityKind>(kind: K): IterableIterator<Extract<EntityRecord, { kind: K }>> {
    for (const record of this.entities.values())
      if (record.kind === kind) yield record as Extract<EntityRecord, { kind: K }>;
  }

  /** The direct children an inventory container holds, in the order vCenter lists them. */
  childrenOf(record: EntityRecord): string[] {
    switch (record.kind) {
      case 'Folder':
        return record.children;
      case 'Datacenter':
        return [record.vmFolder, record.hostFolder, record.datastoreFolder, record.networkFolder];
      case 'ClusterComputeResource':
        return [...record.hosts, record.resourcePool];
      case 'ResourcePool':
        return [...record.pools, ...record.vms];
      case 'HostSystem':
        return record.vms;
      default:
        return [];
    }
  }

  /** The entity's ancestors, nearest first: for a VM its folders, pool chain, host, cluster and datacenter. */
  ancestors(moref: string): string[] {
    const found: string[] = [];
    const visit = (ref: string | undefined): void => {
      for (let current = ref; current && !found.includes(current);) {
        found.push(current);
        current = this.get(current) && parentOf(this.get(current)!);
      }
    };
    const record = this.get(moref);
    if (!record) return found;
    visit(parentOf(record));
    if (record.kind === 'VirtualMachine') {
      visit(record.resourcePool);
      visit(record.host);
    }
    return found;
  }
}

function parentOf(record: EntityRecord): string | undefined {
  return record.parent;
}

const TYPE_BY_PREFIX: [prefix: string, type: EntityKind][] = [
  ['vm-', 'VirtualMachine'],
  ['host-', 'HostSystem'],
  ['domain-c', 'ClusterComputeResource'],
  ['resgroup-', 'ResourcePool'],
  ['datastore-', 'Datastore'],
  ['datacenter-', 'Datacenter'],
  ['group-', 'Folder'],
  ['network-', 'Network'],
];

/** The managed object reference of an inventory moref: its type follows from its prefix, as in vCenter. */
export function refTo(moref: string): { type: EntityKind; value: string } {
  const found = TYPE_BY_PREFIX.find(([prefix]) => moref.startsWith(prefix));
  if (!found) throw new Error(`not an inventory moref: ${moref}`);
  return { type: found[1], value: moref };
}
