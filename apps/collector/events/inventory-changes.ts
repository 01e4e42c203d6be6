import type { MoRef, VcenterEvent } from '@vcc/vsphere';

/**
 * VM events after which the VM's inventory row is stale: it appeared, started or stopped having
 * realtime samples, went away, or changed something its tags or snapshot rows carry (host, name,
 * resource pool, hardware).
 */
export const VM_CHANGE_EVENTS = [
  'VmCreatedEvent',
  'VmClonedEvent',
  'VmDeployedEvent',
  'VmRegisteredEvent',
  'VmDiscoveredEvent',
  'VmPoweredOnEvent',
  'DrsVmPoweredOnEvent',
  'VmResumingEvent',
  'VmPoweredOffEvent',
  'VmSuspendedEvent',
  'VmRemovedEvent',
  'VmMigratedEvent',
  'DrsVmMigratedEvent',
  'VmRelocatedEvent',
  'VmRenamedEvent',
  'VmResourcePoolMovedEvent',
  'VmReconfiguredEvent',
] as const;

/** The same for hosts: added, removed, connected or not, shut down, in maintenance or out. */
export const HOST_CHANGE_EVENTS = [
  'HostAddedEvent',
  'HostRemovedEvent',
  'HostConnectedEvent',
  'HostDisconnectedEvent',
  'HostShutdownEvent',
  'EnteredMaintenanceModeEvent',
  'ExitMaintenanceModeEvent',
] as const;

export const INVENTORY_CHANGE_EVENTS: readonly string[] = [...VM_CHANGE_EVENTS, ...HOST_CHANGE_EVENTS];

const VM_EVENTS: ReadonlySet<string> = new Set(VM_CHANGE_EVENTS);
const HOST_EVENTS: ReadonlySet<string> = new Set(HOST_CHANGE_EVENTS);

/** The inventory objects to read again after these events, each once, in the order first named. */
export function changedObjects(events: readonly VcenterEvent[]): MoRef[] {
  const byMoref = new Map<string, MoRef>();
  for (const event of events) {
    if (VM_EVENTS.has(event.type) && event.vm)
      byMoref.set(event.vm.moref, { type: 'VirtualMachine', value: event.vm.moref });
    else if (HOST_EVENTS.has(event.type) && event.host)
      byMoref.set(event.host.moref, { type: 'HostSystem', value: event.host.moref });
  }
  return [...byMoref.values()];
}
