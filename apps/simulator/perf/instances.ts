import type { Inventory, EntityRecord } from '../inventory/inventory.model';
import type { InstanceMode } from './counters';

/** Whether a counter with this instance mode has the entity-wide series (instance ""). */
export function hasAggregate(mode: InstanceMode): boolean {
  return mode === 'aggregate' || mode === 'cpu' || mode === 'nic' || mode === 'lunAndAggregate';
}

/** The per-device instances an entity has for a counter's instance mode (the aggregate "" not included). */
export function deviceInstances(record: EntityRecord, mode: InstanceMode, inventory: Inventory): string[] {
  switch (mode) {
    case 'aggregate':
      return [];
    case 'cpu':
      if (record.kind === 'VirtualMachine') return range(record.numCpu).map(String);
      return record.kind === 'HostSystem' ? range(record.cpuThreads).map(String) : [];
    case 'nic':
      if (record.kind === 'VirtualMachine') return record.nics.map((nic) => String(nic.key));
      return record.kind === 'HostSystem' ? range(record.nics).map((i) => `vmnic${i}`) : [];
    case 'virtualDisk':
      return record.kind === 'VirtualMachine' ? record.disks.map((disk) => `scsi0:${disk.unitNumber}`) : [];
    case 'datastore':
      return datastoresOf(record).map((moref) => inventory.require(moref, 'Datastore').uuid);
    case 'adapter':
      return record.kind === 'HostSystem' ? STORAGE_ADAPTERS : [];
    case 'lun':
    case 'lunAndAggregate':
      return datastoresOf(record).map((moref) => lunName(inventory.require(moref, 'Datastore').uuid));
  }
}

/**
 * The instances a requested metric instance stands for: "*" every instance plus the aggregate (when
 * the counter has one), "" the aggregate alone, anything else that one instance if the entity has it.
 */
export function expandInstance(
  requested: string,
  mode: InstanceMode,
  instances: readonly string[],
): string[] {
  if (requested === '*') return hasAggregate(mode) ? ['', ...instances] : [...instances];
  if (requested === '') return hasAggregate(mode) ? [''] : [];
  return instances.includes(requested) ? [requested] : [];
}

/** Every simulated host has a local SAS controller and one HBA, named as ESXi names them. */
const STORAGE_ADAPTERS = ['vmhba0', 'vmhba1'];

/** The canonical name of the LUN behind a VMFS datastore, as host disk counters name their instances. */
export function lunName(datastoreUuid: string): string {
  return `naa.6${datastoreUuid.replace(/-/g, '').slice(0, 31)}`;
}

function datastoresOf(record: EntityRecord): string[] {
  if (record.kind === 'VirtualMachine') return [record.datastore];
  return record.kind === 'HostSystem' ? record.datastores : [];
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}
