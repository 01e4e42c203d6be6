import type { EntityKind } from '../inventory/inventory.model';

/**
 * The performance counters the simulator serves: the common cpu, mem, disk, net, virtualDisk and
 * datastore counters with vCenter 7's keys, units, rollups, stats types and levels (as captured from a
 * vCenter in govmomi's simulator/vpx data), and for each entity type the instances it has:
 *
 * - aggregate: only the entity-wide series, instance ""
 * - cpu: "" plus one per vCPU (VMs, "0".."n-1") or logical CPU (hosts)
 * - nic: "" plus one per NIC (VMs: the device key "4000"…, hosts: "vmnic0"…)
 * - virtualDisk: one per virtual disk ("scsi0:0"…) and no aggregate, as vCenter
 * - datastore: one per datastore (its VMFS UUID) and no aggregate
 * - lun / lunAndAggregate: one per datastore LUN ("naa.…"), with or without ""
 * - adapter: one per host storage adapter ("vmhba0"…) and no aggregate
 */
export type InstanceMode =
  'aggregate' | 'cpu' | 'nic' | 'virtualDisk' | 'datastore' | 'lun' | 'lunAndAggregate' | 'adapter';

/** Entity types with performance data, by the kind of record behind them. */
export type PerfEntityKind = 'vm' | 'host' | 'cluster' | 'datastore';

export const PERF_KIND_OF: Partial<Record<EntityKind, PerfEntityKind>> = {
  VirtualMachine: 'vm',
  HostSystem: 'host',
  ClusterComputeResource: 'cluster',
  Datastore: 'datastore',
};

export interface PerfCounter {
  key: number;
  group: string;
  name: string;
  rollup: string;
  unit: string;
  statsType: string;
  level: number;
  perDeviceLevel: number;
  /** `group.name.rollup`, the name vcc configures counters by. */
  fullName: string;
  appliesTo: Partial<Record<PerfEntityKind, InstanceMode>>;
}

type Row = [
  key: number,
  group: string,
  name: string,
  rollup: string,
  unit: string,
  statsType: string,
  level: number,
  perDeviceLevel: number,
  appliesTo: PerfCounter['appliesTo'],
];

// prettier-ignore
const ROWS: Row[] = [
  [2, 'cpu', 'usage', 'average', 'percent', 'rate', 1, 3, { vm: 'aggregate', host: 'cpu', cluster: 'aggregate' }],
  [3, 'cpu', 'usage', 'minimum', 'percent', 'rate', 4, 4, { cluster: 'aggregate' }],
  [4, 'cpu', 'usage', 'maximum', 'percent', 'rate', 4, 4, { cluster: 'aggregate' }],
  [6, 'cpu', 'usagemhz', 'average', 'megaHertz', 'rate', 1, 3, { vm: 'cpu', host: 'aggregate', cluster: 'aggregate' }],
  [9, 'cpu', 'reservedCapacity', 'average', 'megaHertz', 'absolute', 2, 3, { host: 'aggregate', cluster: 'aggregate' }],
  [11, 'cpu', 'wait', 'summation', 'millisecond', 'delta', 3, 3, { vm: 'cpu', host: 'aggregate' }],
  [12, 'cpu', 'ready', 'summation', 'millisecond', 'delta', 1, 3, { vm: 'cpu', host: 'aggregate' }],
  [13, 'cpu', 'idle', 'summation', 'millisecond', 'delta', 2, 3, { vm: 'cpu', host: 'cpu' }],
  [14, 'cpu', 'used', 'summation', 'millisecond', 'delta', 3, 3, { vm: 'cpu', host: 'cpu' }],
  [24, 'mem', 'usage', 'average', 'percent', 'absolute', 1, 3, { vm: 'aggregate', host: 'aggregate', cluster: 'aggregate' }],
  [29, 'mem', 'granted', 'average', 'kiloBytes', 'absolute', 2, 3, { vm: 'aggregate', host: 'aggregate', cluster: 'aggregate' }],
  [33, 'mem', 'active', 'average', 'kiloBytes', 'absolute', 2, 3, { vm: 'aggregate', host: 'aggregate', cluster: 'aggregate' }],
  [37, 'mem', 'shared', 'average', 'kiloBytes', 'absolute', 2, 3, { vm: 'aggregate', host: 'aggregate', cluster: 'aggregate' }],
  [70, 'mem', 'swapped', 'average', 'kiloBytes', 'absolute', 2, 3, { vm: 'aggregate' }],
  [85, 'mem', 'swapinRate', 'average', 'kiloBytesPerSecond', 'rate', 1, 3, { vm: 'aggregate', host: 'aggregate' }],
  [86, 'mem', 'swapoutRate', 'average', 'kiloBytesPerSecond', 'rate', 1, 3, { vm: 'aggregate', host: 'aggregate' }],
  [90, 'mem', 'vmmemctl', 'average', 'kiloBytes', 'absolute', 1, 3, { vm: 'aggregate', host: 'aggregate', cluster: 'aggregate' }],
  [98, 'mem', 'consumed', 'average', 'kiloBytes', 'absolute', 1, 3, { vm: 'aggregate', host: 'aggregate', cluster: 'aggregate' }],
  [102, 'mem', 'overhead', 'average', 'kiloBytes', 'absolute', 1, 1, { vm: 'aggregate', host: 'aggregate', cluster: 'aggregate' }],
  [125, 'disk', 'usage', 'average', 'kiloBytesPerSecond', 'rate', 1, 3, { vm: 'aggregate', host: 'lunAndAggregate' }],
  [130, 'disk', 'read', 'average', 'kiloBytesPerSecond', 'rate', 2, 3, { host: 'lunAndAggregate' }],
  [131, 'disk', 'write', 'average', 'kiloBytesPerSecond', 'rate', 2, 3, { host: 'lunAndAggregate' }],
  [132, 'disk', 'totalLatency', 'average', 'millisecond', 'absolute', 3, 3, { host: 'lun' }],
  [133, 'disk', 'maxTotalLatency', 'latest', 'millisecond', 'absolute', 1, 3, { vm: 'aggregate', host: 'aggregate' }],
  [136, 'disk', 'numberReadAveraged', 'average', 'number', 'rate', 1, 3, { host: 'lun' }],
  [137, 'disk', 'numberWriteAveraged', 'average', 'number', 'rate', 1, 3, { host: 'lun' }],
  [143, 'net', 'usage', 'average', 'kiloBytesPerSecond', 'rate', 1, 3, { vm: 'nic', host: 'nic' }],
  [146, 'net', 'packetsRx', 'summation', 'number', 'delta', 2, 3, { vm: 'nic', host: 'nic' }],
  [147, 'net', 'packetsTx', 'summation', 'number', 'delta', 2, 3, { vm: 'nic', host: 'nic' }],
  [148, 'net', 'received', 'average', 'kiloBytesPerSecond', 'rate', 2, 3, { vm: 'nic', host: 'nic' }],
  [149, 'net', 'transmitted', 'average', 'kiloBytesPerSecond', 'rate', 2, 3, { vm: 'nic', host: 'nic' }],
  [152, 'net', 'throughput.usage', 'average', 'kiloBytesPerSecond', 'rate', 4, 4, { cluster: 'aggregate' }],
  [68, 'mem', 'state', 'latest', 'number', 'absolute', 2, 3, { host: 'aggregate' }],
  [155, 'sys', 'uptime', 'latest', 'second', 'absolute', 1, 3, { vm: 'aggregate', host: 'aggregate' }],
  [157, 'power', 'power', 'average', 'watt', 'rate', 2, 3, { vm: 'aggregate', host: 'aggregate' }],
  [162, 'storageAdapter', 'numberReadAveraged', 'average', 'number', 'rate', 2, 2, { host: 'adapter' }],
  [163, 'storageAdapter', 'numberWriteAveraged', 'average', 'number', 'rate', 2, 2, { host: 'adapter' }],
  [164, 'storageAdapter', 'read', 'average', 'kiloBytesPerSecond', 'rate', 2, 2, { host: 'adapter' }],
  [165, 'storageAdapter', 'write', 'average', 'kiloBytesPerSecond', 'rate', 2, 2, { host: 'adapter' }],
  [166, 'storageAdapter', 'totalReadLatency', 'average', 'millisecond', 'absolute', 2, 2, { host: 'adapter' }],
  [167, 'storageAdapter', 'totalWriteLatency', 'average', 'millisecond', 'absolute', 2, 2, { host: 'adapter' }],
  [171, 'virtualDisk', 'numberReadAveraged', 'average', 'number', 'rate', 1, 3, { vm: 'virtualDisk' }],
  [172, 'virtualDisk', 'numberWriteAveraged', 'average', 'number', 'rate', 1, 3, { vm: 'virtualDisk' }],
  [173, 'virtualDisk', 'read', 'average', 'kiloBytesPerSecond', 'rate', 2, 2, { vm: 'virtualDisk' }],
  [174, 'virtualDisk', 'write', 'average', 'kiloBytesPerSecond', 'rate', 2, 2, { vm: 'virtualDisk' }],
  [175, 'virtualDisk', 'totalReadLatency', 'average', 'millisecond', 'absolute', 1, 3, { vm: 'virtualDisk' }],
  [176, 'virtualDisk', 'totalWriteLatency', 'average', 'millisecond', 'absolute', 1, 3, { vm: 'virtualDisk' }],
  [178, 'datastore', 'numberReadAveraged', 'average', 'number', 'rate', 1, 3, { vm: 'datastore', host: 'datastore', datastore: 'aggregate' }],
  [179, 'datastore', 'numberWriteAveraged', 'average', 'number', 'rate', 1, 3, { vm: 'datastore', host: 'datastore', datastore: 'aggregate' }],
  [180, 'datastore', 'read', 'average', 'kiloBytesPerSecond', 'rate', 2, 2, { vm: 'datastore', host: 'datastore', datastore: 'aggregate' }],
  [181, 'datastore', 'write', 'average', 'kiloBytesPerSecond', 'rate', 2, 2, { vm: 'datastore', host: 'datastore', datastore: 'aggregate' }],
  [182, 'datastore', 'totalReadLatency', 'average', 'millisecond', 'absolute', 1, 3, { vm: 'datastore', host: 'datastore' }],
  [183, 'datastore', 'totalWriteLatency', 'average', 'millisecond', 'absolute', 1, 3, { vm: 'datastore', host: 'datastore' }],
  [184, 'datastore', 'maxTotalLatency', 'latest', 'millisecond', 'absolute', 3, 3, { vm: 'aggregate', host: 'aggregate' }],
  [185, 'datastore', 'datastoreIops', 'average', 'number', 'absolute', 1, 3, { host: 'datastore' }],
  [278, 'cpu', 'totalmhz', 'average', 'megaHertz', 'rate', 1, 3, { cluster: 'aggregate' }],
  [279, 'mem', 'totalmb', 'average', 'megaBytes', 'absolute', 1, 3, { cluster: 'aggregate' }],
  [281, 'disk', 'used', 'latest', 'kiloBytes', 'absolute', 1, 1, { datastore: 'aggregate' }],
  [282, 'disk', 'provisioned', 'latest', 'kiloBytes', 'absolute', 1, 1, { datastore: 'aggregate' }],
  [283, 'disk', 'capacity', 'latest', 'kiloBytes', 'absolute', 1, 3, { datastore: 'aggregate' }],
  [284, 'disk', 'unshared', 'latest', 'kiloBytes', 'absolute', 1, 1, { datastore: 'aggregate' }],
  [344, 'virtualDisk', 'readOIO', 'latest', 'number', 'absolute', 2, 2, { vm: 'virtualDisk' }],
  [345, 'virtualDisk', 'writeOIO', 'latest', 'number', 'absolute', 2, 2, { vm: 'virtualDisk' }],
  [388, 'cpu', 'utilization', 'average', 'percent', 'rate', 2, 3, { host: 'cpu' }],
  [395, 'cpu', 'totalCapacity', 'average', 'megaHertz', 'absolute', 2, 3, { host: 'aggregate' }],
  [396, 'cpu', 'latency', 'average', 'percent', 'rate', 2, 3, { vm: 'aggregate', host: 'aggregate' }],
  [398, 'cpu', 'demand', 'average', 'megaHertz', 'absolute', 2, 3, { vm: 'aggregate', host: 'aggregate' }],
  [399, 'cpu', 'costop', 'summation', 'millisecond', 'delta', 2, 3, { vm: 'cpu', host: 'aggregate' }],
  [402, 'cpu', 'run', 'summation', 'millisecond', 'delta', 2, 3, { vm: 'cpu' }],
  [404, 'cpu', 'readiness', 'average', 'percent', 'rate', 4, 4, { vm: 'cpu', host: 'aggregate' }],
  [406, 'mem', 'swapin', 'average', 'kiloBytes', 'absolute', 2, 3, { vm: 'aggregate', host: 'aggregate' }],
  [410, 'mem', 'swapout', 'average', 'kiloBytes', 'absolute', 2, 3, { vm: 'aggregate', host: 'aggregate' }],
  [419, 'mem', 'totalCapacity', 'average', 'megaBytes', 'absolute', 2, 3, { host: 'aggregate' }],
  [422, 'mem', 'latency', 'average', 'percent', 'absolute', 2, 3, { vm: 'aggregate', host: 'aggregate' }],
  [423, 'mem', 'entitlement', 'average', 'kiloBytes', 'absolute', 2, 3, { vm: 'aggregate' }],
  [447, 'disk', 'deviceReadLatency', 'average', 'millisecond', 'absolute', 2, 3, { host: 'lun' }],
  [448, 'disk', 'kernelReadLatency', 'average', 'millisecond', 'absolute', 2, 3, { host: 'lun' }],
  [449, 'disk', 'totalReadLatency', 'average', 'millisecond', 'absolute', 2, 3, { host: 'lun' }],
  [451, 'disk', 'deviceWriteLatency', 'average', 'millisecond', 'absolute', 2, 3, { host: 'lun' }],
  [452, 'disk', 'kernelWriteLatency', 'average', 'millisecond', 'absolute', 2, 3, { host: 'lun' }],
  [453, 'disk', 'totalWriteLatency', 'average', 'millisecond', 'absolute', 2, 3, { host: 'lun' }],
  [455, 'disk', 'deviceLatency', 'average', 'millisecond', 'absolute', 1, 3, { host: 'lun' }],
  [460, 'net', 'droppedRx', 'summation', 'number', 'delta', 2, 3, { vm: 'nic', host: 'nic' }],
  [461, 'net', 'droppedTx', 'summation', 'number', 'delta', 2, 3, { vm: 'nic', host: 'nic' }],
  [462, 'net', 'bytesRx', 'average', 'kiloBytesPerSecond', 'rate', 2, 3, { vm: 'nic', host: 'nic' }],
  [463, 'net', 'bytesTx', 'average', 'kiloBytesPerSecond', 'rate', 2, 3, { vm: 'nic', host: 'nic' }],
  [468, 'net', 'errorsRx', 'summation', 'number', 'delta', 2, 3, { host: 'nic' }],
  [469, 'net', 'errorsTx', 'summation', 'number', 'delta', 2, 3, { host: 'nic' }],
];

export const COUNTERS: readonly PerfCounter[] = ROWS.map(
  ([key, group, name, rollup, unit, statsType, level, perDeviceLevel, appliesTo]) => ({
    key,
    group,
    name,
    rollup,
    unit,
    statsType,
    level,
    perDeviceLevel,
    fullName: `${group}.${name}.${rollup}`,
    appliesTo,
  }),
);

export const COUNTER_BY_KEY = new Map(COUNTERS.map((counter) => [counter.key, counter]));
export const COUNTER_BY_NAME = new Map(COUNTERS.map((counter) => [counter.fullName, counter]));

/** Label and summary of each counter name, group and unit, as vCenter describes them. */
export const NAME_INFO: Readonly<Record<string, [label: string, summary: string]>> = {
  'cpu.costop': [
    'Co-stop',
    'Time the virtual machine is ready to run, but is unable to run due to co-scheduling constraints',
  ],
  'cpu.demand': [
    'Demand',
    'The amount of CPU resources a virtual machine would use if there were no CPU contention or CPU limit',
  ],
  'cpu.idle': ['Idle', 'Total time that the CPU spent in an idle state'],
  'cpu.latency': [
    'Latency',
    'Percent of time the virtual machine is unable to run because it is contending for access to the physical CPU(s)',
  ],
  'cpu.readiness': [
    'Readiness',
    'Percentage of time that the virtual machine was ready, but could not get scheduled to run on the physical CPU',
  ],
  'cpu.ready': [
    'Ready',
    'Time that the virtual machine was ready, but could not get scheduled to run on the physical CPU during last measurement interval',
  ],
  'cpu.reservedCapacity': ['Reserved capacity', 'Total CPU capacity reserved by virtual machines'],
  'cpu.totalCapacity': [
    'Total capacity',
    'Total CPU capacity reserved by and available for virtual machines',
  ],
  'cpu.totalmhz': ['Total', 'Total amount of CPU resources of all hosts in the cluster'],
  'cpu.usage': ['Usage', 'CPU usage as a percentage during the interval'],
  'cpu.usagemhz': ['Usage in MHz', 'CPU usage in megahertz during the interval'],
  'cpu.used': ['Used', 'Total CPU usage'],
  'cpu.utilization': [
    'Utilization',
    'CPU utilization as a percentage during the interval (CPU usage and CPU utilization might be different due to power management technologies or hyper-threading)',
  ],
  'cpu.wait': ['Wait', 'Total CPU time spent in wait state'],
  'datastore.datastoreIops': ['Storage I/O Control aggregated IOPS', 'Storage I/O Control aggregated IOPS'],
  'datastore.maxTotalLatency': [
    'Highest latency',
    'Highest latency value across all datastores used by the host',
  ],
  'datastore.numberReadAveraged': [
    'Average read requests per second',
    'Average number of read commands issued per second to the datastore during the collection interval',
  ],
  'datastore.numberWriteAveraged': [
    'Average write requests per second',
    'Average number of write commands issued per second to the datastore during the collection interval',
  ],
  'datastore.read': ['Read rate', 'Rate of reading data from the datastore'],
  'datastore.totalReadLatency': ['Read latency', 'The average time a read from the datastore takes'],
  'datastore.totalWriteLatency': ['Write latency', 'The average time a write to the datastore takes'],
  'datastore.write': ['Write rate', 'Rate of writing data to the datastore'],
  'disk.capacity': ['Capacity', 'Configured size of the datastore'],
  'disk.deviceLatency': [
    'Physical device command latency',
    'Average amount of time, in milliseconds, to complete a SCSI command from the physical device',
  ],
  'disk.maxTotalLatency': ['Highest latency', 'Highest latency value across all disks used by the host'],
  'disk.numberReadAveraged': [
    'Average read requests per second',
    'Average number of disk reads per second during the collection interval',
  ],
  'disk.numberWriteAveraged': [
    'Average write requests per second',
    'Average number of disk writes per second during the collection interval',
  ],
  'disk.provisioned': [
    'Space potentially used',
    'Amount of storage set aside for use by a datastore or a virtual machine',
  ],
  'disk.read': [
    'Read rate',
    'Average number of kilobytes read from the disk each second during the collection interval',
  ],
  'disk.totalLatency': [
    'Command latency',
    'Average amount of time taken during the collection interval to process a SCSI command issued by the guest OS to the virtual machine',
  ],
  'disk.unshared': ['Space not shared', 'Amount of space associated exclusively with a virtual machine'],
  'disk.usage': [
    'Usage',
    'Aggregated disk I/O rate. For hosts, this metric includes the rates for all virtual machines running on the host during the collection interval.',
  ],
  'disk.used': [
    'Space actually used',
    'Amount of space actually used by the virtual machine or the datastore',
  ],
  'disk.write': [
    'Write rate',
    'Average number of kilobytes written to disk each second during the collection interval',
  ],
  'mem.active': [
    'Active',
    'Amount of guest physical memory that is being actively read or written by guest. Activeness is estimated by ESXi',
  ],
  'mem.consumed': [
    'Consumed',
    'Amount of host physical memory consumed for backing up guest physical memory pages',
  ],
  'mem.entitlement': [
    'Entitlement',
    'Amount of host physical memory the virtual machine deserves, as determined by ESXi',
  ],
  'mem.granted': [
    'Granted',
    'Amount of host physical memory or physical memory that is mapped for a virtual machine or a host',
  ],
  'mem.latency': [
    'Page-fault latency',
    'Percentage of time the virtual machine spent waiting to swap in or decompress guest physical memory',
  ],
  'mem.overhead': [
    'Overhead consumed',
    'Host physical memory consumed by ESXi data structures for running the virtual machines',
  ],
  'mem.shared': [
    'Shared',
    'Amount of guest physical memory that is shared within a single virtual machine or across virtual machines',
  ],
  'mem.swapinRate': ['Swap in rate', 'Rate at which guest physical memory is swapped in from the swap space'],
  'mem.swapoutRate': [
    'Swap out rate',
    'Rate at which guest physical memory is swapped out to the swap space',
  ],
  'mem.swapped': ['Swapped', 'Amount of guest physical memory that is swapped out to the swap space'],
  'mem.totalCapacity': [
    'Total reservation',
    'Total reservation, available and consumed, for powered-on virtual machines',
  ],
  'mem.totalmb': [
    'Total',
    'Total amount of host physical memory of all hosts in the cluster that is available for virtual machine memory (physical memory for use by the guest OS) and virtual machine overhead memory',
  ],
  'mem.usage': ['Host consumed %', 'Percentage of host physical memory that has been consumed'],
  'mem.vmmemctl': [
    'Ballooned memory',
    'Amount of guest physical memory reclaimed from the virtual machine by the balloon driver in the guest',
  ],
  'net.bytesRx': ['Data receive rate', 'Average amount of data received per second'],
  'net.bytesTx': ['Data transmit rate', 'Average amount of data transmitted per second'],
  'net.droppedRx': ['Receive packets dropped', 'Number of receives dropped'],
  'net.droppedTx': ['Transmit packets dropped', 'Number of transmits dropped'],
  'net.packetsRx': ['Packets received', 'Number of packets received during the interval'],
  'net.packetsTx': ['Packets transmitted', 'Number of packets transmitted during the interval'],
  'net.received': ['Data receive rate', 'Average rate at which data was received during the interval'],
  'net.throughput.usage': ['Net Throughput Usage', 'The current network bandwidth usage for the host'],
  'net.transmitted': ['Data transmit rate', 'Average rate at which data was transmitted during the interval'],
  'net.usage': [
    'Usage',
    'Network utilization (combined transmit-rates and receive-rates) during the interval',
  ],
  'virtualDisk.numberReadAveraged': [
    'Average read requests per second',
    'Average number of read commands issued per second to the virtual disk during the collection interval',
  ],
  'virtualDisk.numberWriteAveraged': [
    'Average write requests per second',
    'Average number of write commands issued per second to the virtual disk during the collection interval',
  ],
  'virtualDisk.read': ['Read rate', 'Rate of reading data from the virtual disk'],
  'virtualDisk.readOIO': [
    'Average number of outstanding read requests',
    'Average number of outstanding read requests to the virtual disk during the collection interval',
  ],
  'virtualDisk.totalReadLatency': ['Read latency', 'The average time a read from the virtual disk takes'],
  'virtualDisk.totalWriteLatency': ['Write latency', 'The average time a write to the virtual disk takes'],
  'virtualDisk.write': ['Write rate', 'Rate of writing data to the virtual disk'],
  'mem.state': [
    'State',
    'One of four threshold levels representing the percentage of free memory on the host',
  ],
  'mem.swapin': [
    'Swap in',
    'Amount of guest physical memory that is swapped in from the swap space since the virtual machine has been powered on',
  ],
  'mem.swapout': [
    'Swap out',
    'Amount of guest physical memory that is swapped out from the virtual machine to its swap space since it has been powered on',
  ],
  'sys.uptime': ['Uptime', 'Total time elapsed, in seconds, since last system startup'],
  'power.power': ['Usage', 'Current power usage'],
  'storageAdapter.numberReadAveraged': [
    'Average read requests per second',
    'Average number of read commands issued per second by the storage adapter during the collection interval',
  ],
  'storageAdapter.numberWriteAveraged': [
    'Average write requests per second',
    'Average number of write commands issued per second by the storage adapter during the collection interval',
  ],
  'storageAdapter.read': ['Read rate', 'Rate of reading data by the storage adapter'],
  'storageAdapter.write': ['Write rate', 'Rate of writing data by the storage adapter'],
  'storageAdapter.totalReadLatency': ['Read latency', 'The average time a read by the storage adapter takes'],
  'storageAdapter.totalWriteLatency': [
    'Write latency',
    'The average time a write by the storage adapter takes',
  ],
  'cpu.run': ['Run', 'Time the virtual machine is scheduled to run'],
  'disk.deviceReadLatency': [
    'Physical device read latency',
    'Average amount of time, in milliseconds, to read from the physical device',
  ],
  'disk.kernelReadLatency': [
    'Kernel read latency',
    'Average amount of time, in milliseconds, spent by VMkernel to process each SCSI read command',
  ],
  'disk.totalReadLatency': [
    'Read latency',
    'Average amount of time taken during the collection interval to process a SCSI read command issued from the guest OS to the virtual machine',
  ],
  'disk.deviceWriteLatency': [
    'Physical device write latency',
    'Average amount of time, in milliseconds, to write to the physical device',
  ],
  'disk.kernelWriteLatency': [
    'Kernel write latency',
    'Average amount of time, in milliseconds, spent by VMkernel to process each SCSI write command',
  ],
  'disk.totalWriteLatency': [
    'Write latency',
    'Average amount of time taken during the collection interval to process a SCSI write command issued by the guest OS to the virtual machine',
  ],
  'net.errorsRx': [
    'Receive packet errors',
    'Number of packets with errors received during the sampling interval',
  ],
  'net.errorsTx': [
    'Transmit packet errors',
    'Number of packets with errors transmitted during the sampling interval',
  ],
  'virtualDisk.writeOIO': [
    'Average number of outstanding write requests',
    'Average number of outstanding write requests to the virtual disk during the collection interval',
  ],
};
export const GROUP_INFO: Readonly<Record<string, [label: string, summary: string]>> = {
  cpu: ['CPU', 'CPU'],
  datastore: ['Datastore', 'Datastore'],
  disk: ['Disk', 'Disk'],
  mem: ['Memory', 'Memory'],
  net: ['Network', 'Network'],
  power: ['Power', 'Power'],
  storageAdapter: ['Storage adapter', 'Storage adapter'],
  sys: ['System', 'System'],
  virtualDisk: ['Virtual disk', 'Virtual disk'],
};
export const UNIT_INFO: Readonly<Record<string, [label: string, summary: string]>> = {
  kiloBytes: ['KB', 'Kilobyte'],
  kiloBytesPerSecond: ['KBps', 'Kilobytes per second'],
  megaBytes: ['MB', 'Megabyte'],
  megaHertz: ['MHz', 'Megahertz'],
  millisecond: ['ms', 'Millisecond'],
  number: ['num', 'Number'],
  percent: ['%', 'Percentage'],
  second: ['s', 'Second'],
  watt: ['W', 'Watt'],
};
