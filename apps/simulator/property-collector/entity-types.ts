import { vmCommittedBytes, vmUncommittedBytes } from '../inventory/inventory.generator';
import {
  refTo,
  type ClusterRecord,
  type DatacenterRecord,
  type DatastoreRecord,
  type EntityKind,
  type FolderRecord,
  type HostRecord,
  type Inventory,
  type NetworkRecord,
  type ResourcePoolRecord,
  type NicRecord,
  type VirtualDiskRecord,
  type VmRecord,
} from '../inventory/inventory.model';
import {
  BOOLEAN,
  DATE_TIME,
  INT,
  LONG,
  MOREF,
  OPTION_VALUE,
  SHORT,
  STRING,
  arrayOf,
  dataType,
  enumType,
  field,
  type DataType,
} from './vim-types';

const refs = (morefs: string[]): { type: string; value: string }[] => morefs.map(refTo);
const ref = (moref: string | undefined): { type: string; value: string } | undefined =>
  moref === undefined ? undefined : refTo(moref);

/** ManagedEntity's properties every inventory type starts with. */
function entity<T extends { name: string; parent?: string }>(overallStatus = true) {
  return [
    field<T>('name', STRING, (r) => r.name),
    field<T>('parent', MOREF, (r) => ref(r.parent)),
    ...(overallStatus ? [field<T>('overallStatus', enumType('ManagedEntityStatus'), () => 'green')] : []),
  ];
}

/**
 * The vim25 schemas of the inventory's managed object types, over the inventory's records: the
 * properties vcc and common tools read, with their WSDL types and field order.
 */
export function entityTypes(inventory: Inventory): Record<EntityKind, DataType> {
  const datastoreName = (moref: string): string => inventory.require(moref, 'Datastore').name;
  const host = (moref: string): HostRecord => inventory.require(moref, 'HostSystem');

  const description = dataType<[string, string]>('Description', [
    field('label', STRING, ([label]) => label),
    field('summary', STRING, ([, summary]) => summary),
  ]);

  const vmPath = (vm: VmRecord, file = ''): string => `[${datastoreName(vm.datastore)}] ${vm.name}/${file}`;
  const fileInfo = dataType<VmRecord>('VirtualMachineFileInfo', [
    field('vmPathName', STRING, (vm) => vmPath(vm, `${vm.name}.vmx`)),
    field('snapshotDirectory', STRING, (vm) => vmPath(vm)),
    field('suspendDirectory', STRING, (vm) => vmPath(vm)),
    field('logDirectory', STRING, (vm) => vmPath(vm)),
  ]);

  /** A virtual device as VirtualHardware.device lists it: the key and label every device has, and its own part. */
  interface Device {
    vm: VmRecord;
    type: 'ParaVirtualSCSIController' | 'VirtualDisk' | 'VirtualVmxnet3';
    key: number;
    label: string;
    summary: string;
  }
  interface DiskDevice extends Device {
    disk: VirtualDiskRecord;
  }
  interface NicDevice extends Device {
    nic: NicRecord;
    index: number;
  }
  const deviceFields = <D extends Device>() => [
    field<D>('key', INT, (d) => d.key),
    field<D>('deviceInfo', description, (d) => [d.label, d.summary]),
  ];
  const scsiController = dataType<Device>('ParaVirtualSCSIController', [
    ...deviceFields(),
    field('controllerKey', INT, () => 100),
    field('unitNumber', INT, () => 3),
    field('busNumber', INT, () => 0),
    field('device', arrayOf(INT), (d) => d.vm.disks.map((disk) => disk.key)),
    field('hotAddRemove', BOOLEAN, () => true),
    field('sharedBus', enumType('VirtualSCSISharing'), () => 'noSharing'),
    field('scsiCtlrUnitNumber', INT, () => 7),
  ]);
  const diskBacking = dataType<DiskDevice>('VirtualDiskFlatVer2BackingInfo', [
    field('fileName', STRING, (d) =>
      vmPath(d.vm, d.disk.unitNumber ? `${d.vm.name}_${d.disk.unitNumber}.vmdk` : `${d.vm.name}.vmdk`),
    ),
    field('datastore', MOREF, (d) => refTo(d.vm.datastore)),
    field('diskMode', STRING, () => 'persistent'),
    field('thinProvisioned', BOOLEAN, (d) => d.disk.thin),
  ]);
  const disk = dataType<DiskDevice>('VirtualDisk', [
    ...deviceFields<DiskDevice>(),
    field('backing', diskBacking, (d) => d, 'VirtualDeviceBackingInfo'),
    field('controllerKey', INT, () => 1000),
    field('unitNumber', INT, (d) => d.disk.unitNumber),
    field('capacityInKB', LONG, (d) => d.disk.capacityKb),
    field('capacityInBytes', LONG, (d) => d.disk.capacityKb * 1024),
  ]);
  const nicBacking = dataType<NicDevice>('VirtualEthernetCardNetworkBackingInfo', [
    field('deviceName', STRING, (d) => inventory.require(d.vm.network, 'Network').name),
    field('useAutoDetect', BOOLEAN, () => false),
    field('network', MOREF, (d) => refTo(d.vm.network)),
  ]);
  const connectable = dataType<NicDevice>('VirtualDeviceConnectInfo', [
    field('startConnected', BOOLEAN, () => true),
    field('allowGuestControl', BOOLEAN, () => true),
    field('connected', BOOLEAN, (d) => d.vm.powerState === 'poweredOn'),
    field('status', STRING, () => 'ok'),
  ]);
  const nic = dataType<NicDevice>('VirtualVmxnet3', [
    ...deviceFields<NicDevice>(),
    field('backing', nicBacking, (d) => d, 'VirtualDeviceBackingInfo'),
    field('connectable', connectable, (d) => d),
    field('controllerKey', INT, () => 100),
    field('unitNumber', INT, (d) => 7 + d.index),
    field('addressType', STRING, () => 'assigned'),
    field('macAddress', STRING, (d) => d.nic.macAddress),
    field('wakeOnLanEnabled', BOOLEAN, () => true),
  ]);
  const devices = (vm: VmRecord): Device[] => [
    {
      vm,
      type: 'ParaVirtualSCSIController',
      key: 1000,
      label: 'SCSI controller 0',
      summary: 'VMware paravirtual SCSI',
    },
    ...vm.disks.map((d): DiskDevice => ({
      vm,
      type: 'VirtualDisk',
      key: d.key,
      label: `Hard disk ${d.unitNumber + 1}`,
      summary: `${d.capacityKb.toLocaleString('en-US')} KB`,
      disk: d,
    })),
    ...vm.nics.map((n, index): NicDevice => ({
      vm,
      type: 'VirtualVmxnet3',
      key: n.key,
      label: `Network adapter ${index + 1}`,
      summary: inventory.require(vm.network, 'Network').name,
      nic: n,
      index,
    })),
  ];
  const deviceType = (d: Device): DataType =>
    d.type === 'VirtualDisk' ? disk : d.type === 'VirtualVmxnet3' ? nic : scsiController;

  const hardware = dataType<VmRecord>('VirtualHardware', [
    field('numCPU', INT, (vm) => vm.numCpu),
    field('numCoresPerSocket', INT, (vm) => vm.coresPerSocket),
    field('memoryMB', INT, (vm) => vm.memoryMb),
    field('virtualICH7MPresent', BOOLEAN, () => false),
    field('virtualSMCPresent', BOOLEAN, () => false),
    field('device', arrayOf(deviceType as (d: never) => DataType, 'VirtualDevice'), devices, 'VirtualDevice'),
  ]);
  const managedBy = dataType<NonNullable<VmRecord['managedBy']>>('ManagedByInfo', [
    field('extensionKey', STRING, (m) => m.extensionKey),
    field('type', STRING, (m) => m.type),
  ]);
  const config = dataType<VmRecord>('VirtualMachineConfigInfo', [
    field('changeVersion', STRING, (vm) => new Date(vm.createDate).toISOString()),
    field('modified', DATE_TIME, () => 0),
    field('name', STRING, (vm) => vm.name),
    field('guestFullName', STRING, (vm) => vm.guestFullName),
    field('version', STRING, () => 'vmx-15'),
    field('uuid', STRING, (vm) => vm.uuid),
    field('createDate', DATE_TIME, (vm) => vm.createDate),
    field('instanceUuid', STRING, (vm) => vm.instanceUuid),
    field('template', BOOLEAN, (vm) => vm.template),
    field('guestId', STRING, (vm) => vm.guestId),
    field('alternateGuestName', STRING, () => ''),
    field('files', fileInfo, (vm) => vm),
    field('hardware', hardware, (vm) => vm),
    field('memoryHotAddEnabled', BOOLEAN, () => false),
    field('cpuHotAddEnabled', BOOLEAN, () => false),
    field('cpuHotRemoveEnabled', BOOLEAN, () => false),
    field('extraConfig', arrayOf(OPTION_VALUE), (vm) => vm.extraConfig),
    field('firmware', STRING, (vm) => (vm.guestId.startsWith('windows') ? 'efi' : 'bios')),
    field('managedBy', managedBy, (vm) => vm.managedBy),
  ]);
  const vmRuntime = dataType<VmRecord>('VirtualMachineRuntimeInfo', [
    field('host', MOREF, (vm) => refTo(vm.host)),
    field('connectionState', enumType('VirtualMachineConnectionState'), () => 'connected'),
    field('powerState', enumType('VirtualMachinePowerState'), (vm) => vm.powerState),
    field('faultToleranceState', enumType('VirtualMachineFaultToleranceState'), () => 'notConfigured'),
    field('toolsInstallerMounted', BOOLEAN, () => false),
    field('bootTime', DATE_TIME, (vm) => (vm.powerState === 'poweredOn' ? vm.bootTime : undefined)),
    field('suspendInterval', LONG, () => 0),
    field('maxCpuUsage', INT, (vm) => vm.numCpu * host(vm.host).cpuMhz),
    field('maxMemoryUsage', INT, (vm) => vm.memoryMb),
    field('numMksConnections', INT, () => 0),
    field('recordReplayState', enumType('VirtualMachineRecordReplayState'), () => 'inactive'),
    field('onlineStandby', BOOLEAN, () => false),
    field('consolidationNeeded', BOOLEAN, () => false),
    field('paused', BOOLEAN, () => false),
    field('snapshotInBackground', BOOLEAN, () => false),
  ]);
  const configSummary = dataType<VmRecord>('VirtualMachineConfigSummary', [
    field('name', STRING, (vm) => vm.name),
    field('template', BOOLEAN, (vm) => vm.template),
    field('vmPathName', STRING, (vm) => vmPath(vm, `${vm.name}.vmx`)),
    field('memorySizeMB', INT, (vm) => vm.memoryMb),
    field('cpuReservation', INT, () => 0),
    field('memoryReservation', INT, () => 0),
    field('numCpu', INT, (vm) => vm.numCpu),
    field('numEthernetCards', INT, (vm) => vm.nics.length),
    field('numVirtualDisks', INT, (vm) => vm.disks.length),
    field('uuid', STRING, (vm) => vm.uuid),
    field('instanceUuid', STRING, (vm) => vm.instanceUuid),
    field('guestId', STRING, (vm) => vm.guestId),
    field('guestFullName', STRING, (vm) => vm.guestFullName),
    field('installBootRequired', BOOLEAN, () => false),
    field('managedBy', managedBy, (vm) => vm.managedBy),
  ]);
  const storageSummary = dataType<VmRecord>('VirtualMachineStorageSummary', [
    field('committed', LONG, vmCommittedBytes),
    field('uncommitted', LONG, vmUncommittedBytes),
    field('unshared', LONG, vmCommittedBytes),
    field('timestamp', DATE_TIME, (vm) => vm.createDate),
  ]);
  const vmSummary = dataType<VmRecord>('VirtualMachineSummary', [
    field('vm', MOREF, (vm) => refTo(vm.moref)),
    field('runtime', vmRuntime, (vm) => vm),
    field('config', configSummary, (vm) => vm),
    field('storage', storageSummary, (vm) => (vm.creating ? undefined : vm)),
    field('overallStatus', enumType('ManagedEntityStatus'), () => 'green'),
  ]);
  const virtualMachine = dataType<VmRecord>('VirtualMachine', [
    ...entity<VmRecord>(),
    field('config', config, (vm) => (vm.creating ? undefined : vm)),
    field('datastore', arrayOf(MOREF), (vm) => refs([vm.datastore])),
    field('network', arrayOf(MOREF), (vm) => refs([vm.network])),
    field('resourcePool', MOREF, (vm) => ref(vm.resourcePool)),
    field('runtime', vmRuntime, (vm) => vm),
    field('summary', vmSummary, (vm) => vm),
  ]);

  const hostHardware = dataType<HostRecord>('HostHardwareSummary', [
    field('vendor', STRING, (h) => h.vendor),
    field('model', STRING, (h) => h.model),
    field('uuid', STRING, (h) => h.uuid),
    field('memorySize', LONG, (h) => h.memoryBytes),
    field('cpuModel', STRING, (h) => h.cpuModel),
    field('cpuMhz', INT, (h) => h.cpuMhz),
    field('numCpuPkgs', SHORT, (h) => h.cpuPkgs),
    field('numCpuCores', SHORT, (h) => h.cpuCores),
    field('numCpuThreads', SHORT, (h) => h.cpuThreads),
    field('numNics', INT, (h) => h.nics),
    field('numHBAs', INT, () => 2),
  ]);
  const hostRuntime = dataType<HostRecord>('HostRuntimeInfo', [
    field('connectionState', enumType('HostSystemConnectionState'), () => 'connected'),
    field('powerState', enumType('HostSystemPowerState'), () => 'poweredOn'),
    field('standbyMode', STRING, () => 'none'),
    field('inMaintenanceMode', BOOLEAN, () => false),
    field('inQuarantineMode', BOOLEAN, () => false),
    field('bootTime', DATE_TIME, (h) => h.bootTime),
  ]);
  const hostConfigSummary = dataType<HostRecord>('HostConfigSummary', [
    field('name', STRING, (h) => h.name),
    field('port', INT, () => 443),
    field('vmotionEnabled', BOOLEAN, () => true),
    field('faultToleranceEnabled', BOOLEAN, () => false),
  ]);
  const hostSummary = dataType<HostRecord>('HostListSummary', [
    field('host', MOREF, (h) => refTo(h.moref)),
    field('hardware', hostHardware, (h) => h),
    field('runtime', hostRuntime, (h) => h),
    field('config', hostConfigSummary, (h) => h),
    field('overallStatus', enumType('ManagedEntityStatus'), () => 'green'),
    field('rebootRequired', BOOLEAN, () => false),
  ]);
  const hostSystem = dataType<HostRecord>('HostSystem', [
    ...entity<HostRecord>(),
    field('datastore', arrayOf(MOREF), (h) => refs(h.datastores)),
    field('network', arrayOf(MOREF), (h) => refs(h.networks)),
    field('runtime', hostRuntime, (h) => h),
    field('summary', hostSummary, (h) => h),
    field('vm', arrayOf(MOREF), (h) => refs(h.vms)),
  ]);

  const clusterHosts = (c: ClusterRecord): HostRecord[] => c.hosts.map(host);
  const sum = (c: ClusterRecord, value: (h: HostRecord) => number): number =>
    clusterHosts(c).reduce((total, h) => total + value(h), 0);
  const clusterSummary = dataType<ClusterRecord>('ClusterComputeResourceSummary', [
    field('totalCpu', INT, (c) => sum(c, (h) => h.cpuCores * h.cpuMhz)),
    field('totalMemory', LONG, (c) => sum(c, (h) => h.memoryBytes)),
    field('numCpuCores', SHORT, (c) => sum(c, (h) => h.cpuCores)),
    field('numCpuThreads', SHORT, (c) => sum(c, (h) => h.cpuThreads)),
    field('effectiveCpu', INT, (c) => Math.round(sum(c, (h) => h.cpuCores * h.cpuMhz) * 0.9)),
    field('effectiveMemory', LONG, (c) => Math.round((sum(c, (h) => h.memoryBytes) * 0.9) / 1024 ** 2)),
    field('numHosts', INT, (c) => c.hosts.length),
    field('numEffectiveHosts', INT, (c) => c.hosts.length),
    field('overallStatus', enumType('ManagedEntityStatus'), () => 'green'),
    field('currentFailoverLevel', INT, () => 1),
    field('numVmotions', INT, () => 0),
  ]);
  const cluster = dataType<ClusterRecord>('ClusterComputeResource', [
    ...entity<ClusterRecord>(),
    field('datastore', arrayOf(MOREF), (c) => refs(c.datastores)),
    field('host', arrayOf(MOREF), (c) => refs(c.hosts)),
    field('network', arrayOf(MOREF), (c) => refs(c.networks)),
    field('resourcePool', MOREF, (c) => refTo(c.resourcePool)),
    field('summary', clusterSummary, (c) => c, 'ComputeResourceSummary'),
  ]);

  const resourcePool = dataType<ResourcePoolRecord>('ResourcePool', [
    ...entity<ResourcePoolRecord>(),
    field('owner', MOREF, (p) => refTo(p.owner)),
    field('resourcePool', arrayOf(MOREF), (p) => refs(p.pools)),
    field('vm', arrayOf(MOREF), (p) => refs(p.vms)),
  ]);

  const datastoreSummary = dataType<DatastoreRecord>('DatastoreSummary', [
    field('datastore', MOREF, (d) => refTo(d.moref)),
    field('name', STRING, (d) => d.name),
    field('url', STRING, (d) => `ds:///vmfs/volumes/${d.uuid}/`),
    field('capacity', LONG, (d) => d.capacityBytes),
    field('freeSpace', LONG, (d) => d.freeBytes),
    field('uncommitted', LONG, (d) =>
      d.vms.reduce((total, vm) => total + vmUncommittedBytes(inventory.require(vm, 'VirtualMachine')), 0),
    ),
    field('accessible', BOOLEAN, () => true),
    field('multipleHostAccess', BOOLEAN, (d) => d.hosts.length > 1),
    field('type', STRING, () => 'VMFS'),
    field('maintenanceMode', STRING, () => 'normal'),
  ]);
  const datastore = dataType<DatastoreRecord>('Datastore', [
    ...entity<DatastoreRecord>(),
    field('summary', datastoreSummary, (d) => d),
    field('vm', arrayOf(MOREF), (d) => refs(d.vms)),
  ]);

  const datacenter = dataType<DatacenterRecord>('Datacenter', [
    ...entity<DatacenterRecord>(),
    field('datastore', arrayOf(MOREF), (d) => refs(d.datastores)),
    field('datastoreFolder', MOREF, (d) => refTo(d.datastoreFolder)),
    field('hostFolder', MOREF, (d) => refTo(d.hostFolder)),
    field('network', arrayOf(MOREF), (d) => refs(d.networks)),
    field('networkFolder', MOREF, (d) => refTo(d.networkFolder)),
    field('vmFolder', MOREF, (d) => refTo(d.vmFolder)),
  ]);

  const folder = dataType<FolderRecord>('Folder', [
    ...entity<FolderRecord>(),
    field('childEntity', arrayOf(MOREF), (f) => refs(f.children)),
    field('childType', arrayOf(STRING), (f) => f.childType),
  ]);

  const network = dataType<NetworkRecord>('Network', [
    ...entity<NetworkRecord>(),
    field('host', arrayOf(MOREF), (n) => refs(n.hosts)),
    field('vm', arrayOf(MOREF), (n) => refs(n.vms)),
  ]);

  return {
    VirtualMachine: virtualMachine,
    HostSystem: hostSystem,
    ClusterComputeResource: cluster,
    ResourcePool: resourcePool,
    Datastore: datastore,
    Datacenter: datacenter,
    Folder: folder,
    Network: network,
  };
}
