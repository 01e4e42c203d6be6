import { buildVm, vmCommittedBytes } from '../inventory/inventory.generator';
import type { Inventory, ResourcePoolRecord, VmRecord } from '../inventory/inventory.model';
import { GUESTS, MEMORY_GB, VCPUS } from '../inventory/names';
import type { SeededRandom } from '../inventory/random';
import { entityArgumentXml, eventXml, type EntityArgument, type EventFields } from './event-xml';
import type { EventLog, VimEvent } from './event-log';

const USER = 'VSPHERE.LOCAL\\Administrator';

export const INVENTORY_CHANGES = [
  'create',
  'powerOn',
  'powerOff',
  'reconfigure',
  'migrate',
  'movePool',
  'remove',
] as const;
export type InventoryChange = (typeof INVENTORY_CHANGES)[number];
type Change = InventoryChange;

const WEIGHTS: [Change, number][] = [
  ['create', 15],
  ['powerOn', 15],
  ['powerOff', 15],
  ['reconfigure', 20],
  ['migrate', 15],
  ['movePool', 10],
  ['remove', 10],
];

/**
 * Changes the inventory the way a busy vCenter sees it change, and posts the matching events:
 * VMs created (VmBeingCreatedEvent, then VmCreatedEvent at the next change), powered on and off,
 * reconfigured (vCPU and memory), migrated between hosts, moved between resource pools, removed.
 */
export class InventoryChanger {
  /** VMs being created, with the key of their VmBeingCreatedEvent (the chain of their VmCreatedEvent). */
  private readonly creating = new Map<string, number>();

  constructor(
    private readonly inventory: Inventory,
    private readonly log: EventLog,
    private readonly random: SeededRandom,
  ) {}

  /**
   * Applies one change (and completes the VMs being created); returns the events posted. `only`
   * makes it that kind of change or none, for tests that need one kind alone.
   */
  step(now: number, only?: Change): VimEvent[] {
    const posted: VimEvent[] = [];
    for (const [moref, chainId] of this.creating) {
      const vm = this.inventory.require(moref, 'VirtualMachine');
      vm.creating = false;
      posted.push(
        this.post(
          'VmCreatedEvent',
          vm,
          now,
          `Created virtual machine ${vm.name} on ${this.name(vm.host)} in ${this.dcName(vm)}`,
          '',
          chainId,
        ),
      );
    }
    this.creating.clear();
    const vms = [...this.inventory.ofKind('VirtualMachine')].filter((vm) => !vm.creating);
    if (only) {
      const event = this.apply(only, vms, now);
      return event ? [...posted, event] : posted;
    }
    const first = this.pickChange();
    for (let i = 0; i < WEIGHTS.length; i++) {
      const change = WEIGHTS[(WEIGHTS.findIndex(([c]) => c === first) + i) % WEIGHTS.length][0];
      const event = this.apply(change, vms, now);
      if (event) {
        posted.push(event);
        break;
      }
    }
    return posted;
  }

  private apply(change: Change, vms: VmRecord[], now: number): VimEvent | undefined {
    const candidates = vms.filter((vm) => !vm.template && eligible[change](vm, this.inventory));
    if (!candidates.length) return undefined;
    const vm = this.random.pick(candidates);
    switch (change) {
      case 'create':
        return this.create(vm, now);
      case 'powerOn':
        vm.powerState = 'poweredOn';
        vm.bootTime = now;
        return this.post(
          'VmPoweredOnEvent',
          vm,
          now,
          `${vm.name} on ${this.name(vm.host)} in ${this.dcName(vm)} is powered on`,
        );
      case 'powerOff':
        vm.powerState = 'poweredOff';
        vm.bootTime = undefined;
        return this.post(
          'VmPoweredOffEvent',
          vm,
          now,
          `${vm.name} on ${this.name(vm.host)} in ${this.dcName(vm)} is powered off`,
        );
      case 'reconfigure': {
        const numCpu = this.random.pick(VCPUS.filter((n) => n !== vm.numCpu));
        const memoryMb = this.random.pick(MEMORY_GB.filter((gb) => gb * 1024 !== vm.memoryMb)) * 1024;
        Object.assign(vm, { numCpu, memoryMb, coresPerSocket: 1 });
        const spec = `<configSpec><numCPUs>${numCpu}</numCPUs><memoryMB>${memoryMb}</memoryMB></configSpec>`;
        return this.post(
          'VmReconfiguredEvent',
          vm,
          now,
          `Reconfigured ${vm.name} on ${this.name(vm.host)} in ${this.dcName(vm)}`,
          spec,
        );
      }
      case 'migrate': {
        const source = this.inventory.require(vm.host, 'HostSystem');
        const cluster = this.inventory.require(source.parent, 'ClusterComputeResource');
        const target = this.inventory.require(
          this.random.pick(cluster.hosts.filter((h) => h !== source.moref)),
          'HostSystem',
        );
        remove(source.vms, vm.moref);
        target.vms.push(vm.moref);
        vm.host = target.moref;
        const ds = this.arg(vm.datastore);
        const extra =
          entityArgumentXml('sourceHost', 'host', 'HostSystem', this.arg(source.moref)) +
          entityArgumentXml('sourceDatacenter', 'datacenter', 'Datacenter', this.arg(source.datacenter)) +
          entityArgumentXml('sourceDatastore', 'datastore', 'Datastore', ds);
        const message = `Migration of virtual machine ${vm.name} from ${source.name}, ${ds.name} to ${target.name}, ${ds.name} completed`;
        return this.post('VmMigratedEvent', vm, now, message, extra, undefined, ds, [source.moref]);
      }
      case 'movePool': {
        const from = this.inventory.require(vm.resourcePool!, 'ResourcePool');
        const siblings = this.inventory
          .require(from.parent, 'ResourcePool')
          .pools.filter((p) => p !== from.moref);
        const to = this.inventory.require(this.random.pick(siblings), 'ResourcePool');
        remove(from.vms, vm.moref);
        to.vms.push(vm.moref);
        vm.resourcePool = to.moref;
        const extra =
          entityArgumentXml('oldParent', 'resourcePool', 'ResourcePool', this.arg(from.moref)) +
          entityArgumentXml('newParent', 'resourcePool', 'ResourcePool', this.arg(to.moref));
        const message = `${vm.name} moved from ${from.name} to ${to.name} in ${this.dcName(vm)}`;
        return this.post('VmResourcePoolMovedEvent', vm, now, message, extra, undefined, undefined, [
          from.moref,
        ]);
      }
      case 'remove': {
        const event = this.post(
          'VmRemovedEvent',
          vm,
          now,
          `Removed ${vm.name} on ${this.name(vm.host)} from ${this.dcName(vm)}`,
        );
        this.unlink(vm);
        return event;
      }
    }
  }

  /** A new VM next to an existing one: same folder, pool and cluster, its own name and hardware. */
  private create(sibling: VmRecord, now: number): VimEvent {
    const host = this.inventory.require(sibling.host, 'HostSystem');
    const cluster = this.inventory.require(host.parent, 'ClusterComputeResource');
    const folder = this.inventory.require(sibling.parent, 'Folder');
    const taken = new Set(folder.children.map((moref) => this.name(moref)));
    const prefix = sibling.name.replace(/-\d+$/, '');
    let number = 1;
    while (taken.has(`${prefix}-${String(number).padStart(4, '0')}`)) number++;
    const vm = buildVm(this.inventory, this.random, {
      name: `${prefix}-${String(number).padStart(4, '0')}`,
      folder: folder.moref,
      pool: this.inventory.find(sibling.resourcePool ?? '', 'ResourcePool') as ResourcePoolRecord | undefined,
      host: this.inventory.require(this.random.pick(cluster.hosts), 'HostSystem'),
      datastore: this.inventory.require(this.random.pick(cluster.datastores), 'Datastore'),
      network: sibling.network,
      guest: this.random.pick(GUESTS),
      powerState: 'poweredOff',
      template: false,
      createDate: now,
      creating: true,
    });
    this.inventory.require(vm.datastore, 'Datastore').freeBytes -= vmCommittedBytes(vm);
    const event = this.post(
      'VmBeingCreatedEvent',
      vm,
      now,
      `Creating ${vm.name} on host ${this.name(vm.host)} in ${this.dcName(vm)}`,
    );
    this.creating.set(vm.moref, event.key);
    return event;
  }

  private unlink(vm: VmRecord): void {
    const datastore = this.inventory.require(vm.datastore, 'Datastore');
    datastore.freeBytes += vmCommittedBytes(vm);
    remove(datastore.vms, vm.moref);
    remove(this.inventory.require(vm.parent, 'Folder').children, vm.moref);
    remove(this.inventory.require(vm.host, 'HostSystem').vms, vm.moref);
    remove(this.inventory.require(vm.network, 'Network').vms, vm.moref);
    if (vm.resourcePool) remove(this.inventory.require(vm.resourcePool, 'ResourcePool').vms, vm.moref);
    this.inventory.entities.delete(vm.moref);
  }

  private post(
    type: string,
    vm: VmRecord,
    now: number,
    message: string,
    extra = '',
    chainId?: number,
    ds?: EntityArgument,
    formerPlaces: string[] = [],
  ): VimEvent {
    const host = this.inventory.require(vm.host, 'HostSystem');
    const key = this.log.nextKey();
    const fields: EventFields = {
      key,
      chainId: chainId ?? key,
      createdTime: now,
      userName: USER,
      datacenter: this.arg(host.datacenter),
      computeResource: this.arg(host.parent),
      host: this.arg(host.moref),
      vm: this.arg(vm.moref),
      ds,
      fullFormattedMessage: message,
      template: vm.template,
      extra,
    };
    const entities = [vm.moref, host.moref, host.parent, host.datacenter, ...(ds ? [ds.moref] : [])];
    const ancestors = [
      ...new Set([
        ...this.inventory.ancestors(vm.moref),
        ...formerPlaces.flatMap((m) => [m, ...this.inventory.ancestors(m)]),
      ]),
    ];
    const event: VimEvent = {
      type,
      xml: eventXml(fields),
      key,
      vm: vm.moref,
      createdTime: now,
      userName: USER,
      entities,
      parents: [vm.parent, vm.host, ...(vm.resourcePool ? [vm.resourcePool] : []), ...formerPlaces],
      ancestors,
    };
    this.log.append(event);
    return event;
  }

  private pickChange(): Change {
    const total = WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.random.next() * total;
    for (const [change, weight] of WEIGHTS) {
      roll -= weight;
      if (roll < 0) return change;
    }
    return WEIGHTS[0][0];
  }

  private arg(moref: string): EntityArgument {
    return { name: this.name(moref), moref };
  }

  private name(moref: string): string {
    return this.inventory.get(moref)?.name ?? moref;
  }

  private dcName(vm: VmRecord): string {
    return this.name(this.inventory.require(vm.host, 'HostSystem').datacenter);
  }
}

const eligible: Record<Change, (vm: VmRecord, inventory: Inventory) => boolean> = {
  create: (vm) => vm.resourcePool !== undefined,
  // An SRM placeholder has no disks to run on until a recovery replaces it.
  powerOn: (vm) => vm.powerState === 'poweredOff' && vm.managedBy?.type !== 'placeholderVm',
  powerOff: (vm) => vm.powerState === 'poweredOn',
  reconfigure: () => true,
  migrate: (vm, inventory) =>
    vm.powerState === 'poweredOn' &&
    inventory.require(inventory.require(vm.host, 'HostSystem').parent, 'ClusterComputeResource').hosts
      .length > 1,
  movePool: (vm, inventory) =>
    vm.resourcePool !== undefined &&
    inventory.require(vm.resourcePool, 'ResourcePool').parent.startsWith('resgroup-'),
  // vCenter deletes powered-off VMs only.
  remove: (vm) => vm.powerState === 'poweredOff',
};

function remove(list: string[], moref: string): void {
  const index = list.indexOf(moref);
  if (index >= 0) list.splice(index, 1);
}
