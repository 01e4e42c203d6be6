/** The kinds of entity vcc collects performance data for. VMs and hosts have 20 s realtime samples; clusters and datastores only historical rollups (300 s finest). */
export type EntityKind = 'vm' | 'host' | 'cluster' | 'datastore';

export const REALTIME_KINDS: readonly EntityKind[] = ['vm', 'host'];
export const HISTORICAL_KINDS: readonly EntityKind[] = ['cluster', 'datastore'];

export type VmPowerState = 'poweredOn' | 'poweredOff' | 'suspended';

/** One VM as the inventory query returns it and as an inventory snapshot row stores it. */
export interface VmInventory {
  moref: string;
  name: string;
  /** BIOS UUID (config.uuid). */
  uuid: string | null;
  /** vCenter-unique instance UUID (config.instanceUuid). */
  instanceUuid: string | null;
  powerState: VmPowerState;
  template: boolean;
  vcpus: number;
  memoryMb: number;
  /** Committed plus uncommitted storage, in GB (summary.storage). */
  provisionedDiskGb: number;
  hostMoref: string | null;
  hostName: string | null;
  clusterName: string | null;
  datacenterName: string | null;
  resourcePoolName: string | null;
  /** VM folder path below the datacenter's vm folder, e.g. "tenant-a/prod"; "" at the top. */
  folderPath: string;
  /** config.createDate, when vCenter has it (6.7+). */
  createdAt: string | null;
  guestOs: string | null;
}

export type HostConnectionState = 'connected' | 'disconnected' | 'notResponding';
export type HostPowerState = 'poweredOn' | 'poweredOff' | 'standBy' | 'unknown';

/** One ESXi host as the inventory query returns it and as an inventory snapshot row stores it. */
export interface HostInventory {
  moref: string;
  name: string;
  clusterName: string | null;
  datacenterName: string | null;
  cpuCores: number;
  cpuSockets: number;
  cpuMhz: number;
  memoryMb: number;
  connectionState: HostConnectionState;
  powerState: HostPowerState;
  inMaintenance: boolean;
}

export interface ClusterInventory {
  moref: string;
  name: string;
  datacenterName: string | null;
}

export interface DatastoreInventory {
  moref: string;
  name: string;
  datacenterName: string | null;
  capacityGb: number;
  freeGb: number;
}
