/** The kinds of entity vcc collects performance data for. VMs and hosts have 20 s realtime samples; clusters and datastores only historical rollups (300 s finest). */
export type EntityKind = 'vm' | 'host' | 'cluster' | 'datastore';

export type VmPowerState = 'poweredOn' | 'poweredOff' | 'suspended';
export const VM_POWER_STATES: readonly VmPowerState[] = ['poweredOn', 'poweredOff', 'suspended'];

/** One VM as a collector reads it from vCenter and as an inventory snapshot row stores it. */
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
  /**
   * A placeholder Site Recovery Manager keeps for a VM it protects at the other site: registered, but
   * not a workload (config.managedBy: extension `com.vmware.vcDr…`, type `placeholderVm`).
   */
  srmPlaceholder: boolean;
  /**
   * The vCloud Director id of a VM vCD manages (config.managedBy extension `com.vmware.vcloud`): the
   * VM's `cloud.uuid` advanced setting (config.extraConfig), the UUID in vCD's `urn:vcloud:vm:<uuid>`.
   */
  cloudId: string | null;
}

/**
 * What a stored VM snapshot row holds beyond the VmInventory a collector read: the controller fills
 * it from the vCenter's events (collectors post those separately), whichever of row and event
 * arrives second.
 */
export interface VmLifecycle {
  /** Key of the latest VM_CREATION_EVENTS event of the VM's moref, when the events hold one. */
  creationEventKey: number | null;
  /**
   * When vCenter removed the VM (VmRemovedEvent), on its row of the hour it was removed in, the only
   * snapshot hour the removal falls in; null on earlier rows and while the event is unknown.
   */
  deletionTime: string | null;
}

export type HostConnectionState = 'connected' | 'disconnected' | 'notResponding';
export const HOST_CONNECTION_STATES: readonly HostConnectionState[] = [
  'connected',
  'disconnected',
  'notResponding',
];
export type HostPowerState = 'poweredOn' | 'poweredOff' | 'standBy' | 'unknown';
export const HOST_POWER_STATES: readonly HostPowerState[] = ['poweredOn', 'poweredOff', 'standBy', 'unknown'];

/** One ESXi host as a collector reads it from vCenter and as an inventory snapshot row stores it. */
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

/**
 * One collector's share of an hourly inventory snapshot (`POST /api/v1/inventory/snapshots`): the
 * entities of group `groupIndex` of `groupCount` in the epoch in force at `snapshotTime`.
 */
export interface SnapshotShard {
  /** Id or name of the vCenter. */
  vcenter: string;
  /** A whole UTC hour. */
  snapshotTime: string;
  epoch: number;
  groupIndex: number;
  groupCount: number;
  vms: VmInventory[];
  hosts: HostInventory[];
}
