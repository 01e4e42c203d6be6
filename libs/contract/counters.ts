import type { EntityKind } from './inventory';

/**
 * Counters collected when a vCenter's catalogue entry names none, as `group.name.rollup`. VMs get
 * per-virtual-disk write IOPS, throughput and latency (the usual chargeback and noisy-neighbour asks);
 * clusters and datastores only have historical rollups.
 */
export const DEFAULT_COUNTERS: Readonly<Record<EntityKind, readonly string[]>> = {
  vm: [
    'cpu.usage.average',
    'cpu.usagemhz.average',
    'cpu.ready.summation',
    'mem.usage.average',
    'mem.active.average',
    'mem.consumed.average',
    'net.usage.average',
    'disk.usage.average',
    'virtualDisk.numberReadAveraged.average',
    'virtualDisk.numberWriteAveraged.average',
    'virtualDisk.read.average',
    'virtualDisk.write.average',
    'virtualDisk.totalReadLatency.average',
    'virtualDisk.totalWriteLatency.average',
  ],
  host: [
    'cpu.usage.average',
    'cpu.usagemhz.average',
    'mem.usage.average',
    'mem.consumed.average',
    'net.received.average',
    'net.transmitted.average',
    'disk.usage.average',
  ],
  cluster: ['cpu.usage.average', 'cpu.usagemhz.average', 'mem.usage.average', 'mem.consumed.average'],
  datastore: ['disk.used.latest', 'disk.provisioned.latest', 'disk.capacity.latest'],
};
