import type { MoRef, ObjectContent } from '@vcc/vsphere';
import { LiveInventory } from './live-inventory';

const ref = (type: string, value: string): MoRef => ({ type, value });

function object(type: string, value: string, props: Record<string, unknown>): ObjectContent {
  return { obj: ref(type, value), props, missing: [] };
}

const host = (moref: string) =>
  object('HostSystem', moref, {
    name: `esx-${moref}`,
    parent: ref('ClusterComputeResource', 'domain-c1'),
    'runtime.connectionState': 'connected',
    'runtime.powerState': 'poweredOn',
  });

const vm = (moref: string, powerState: string, extra: Record<string, unknown> = {}) =>
  object('VirtualMachine', moref, {
    name: `name-${moref}`,
    parent: ref('Folder', 'group-v1'),
    'runtime.host': ref('HostSystem', 'host-1'),
    'runtime.powerState': powerState,
    ...extra,
  });

const tree = [
  object('Datacenter', 'datacenter-1', {
    name: 'dc',
    parent: ref('Folder', 'group-d1'),
    vmFolder: ref('Folder', 'group-v1'),
    hostFolder: ref('Folder', 'group-h1'),
  }),
  object('Folder', 'group-v1', { name: 'vm', parent: ref('Datacenter', 'datacenter-1') }),
  object('Folder', 'group-h1', { name: 'host', parent: ref('Datacenter', 'datacenter-1') }),
  object('ClusterComputeResource', 'domain-c1', { name: 'c1', parent: ref('Folder', 'group-h1') }),
  host('host-1'),
];

const vms = (live: LiveInventory) =>
  live.entities.filter((e) => e.kind === 'vm').map((e) => `${e.moref}:${e.path}:${e.bootTime}`);

describe('LiveInventory', () => {
  it('knows nothing of when entities of the first read appeared', () => {
    const live = new LiveInventory('vc', 'vcc');
    live.replace([...tree, vm('vm-1', 'poweredOn')], 1000);
    expect(vms(live)).toEqual(['vm-1:/dc/vm/name-vm-1:null']);
    expect([...live.appearedAt]).toEqual([]);
  });

  it('applies objects read again: a VM powered on appears, with its boot time; one removed goes', () => {
    const live = new LiveInventory('vc', 'vcc');
    live.replace([...tree, vm('vm-1', 'poweredOn'), vm('vm-2', 'poweredOff')], 1000);
    const unknown = live.update(
      [ref('VirtualMachine', 'vm-2'), ref('VirtualMachine', 'vm-1')],
      [vm('vm-2', 'poweredOn', { 'runtime.bootTime': new Date(1_030_500) })],
      1040,
    );
    expect(unknown).toEqual([]);
    expect(vms(live)).toEqual(['vm-2:/dc/vm/name-vm-2:1030']);
    expect([...live.appearedAt]).toEqual([['vm-2', 1040]]);
    expect(live.inventory.vms.map((v) => v.moref)).toEqual(['vm-2']);
  });

  it('keeps when an entity appeared across later reads, and forgets it once the entity is gone', () => {
    const live = new LiveInventory('vc', 'vcc');
    live.replace([...tree], 1000);
    live.update([ref('VirtualMachine', 'vm-3')], [vm('vm-3', 'poweredOn')], 1020);
    live.replace([...tree, vm('vm-3', 'poweredOn'), vm('vm-4', 'poweredOn')], 1600);
    expect([...live.appearedAt]).toEqual([
      ['vm-3', 1020],
      ['vm-4', 1600],
    ]);
    live.update([ref('VirtualMachine', 'vm-3')], [vm('vm-3', 'poweredOff')], 1620);
    expect([...live.appearedAt]).toEqual([['vm-4', 1600]]);
  });

  it('names the objects a changed object refers to that it does not hold yet, and resolves them once read', () => {
    const live = new LiveInventory('vc', 'vcc');
    live.replace([...tree], 1000);
    const created = vm('vm-5', 'poweredOn', {
      parent: ref('Folder', 'group-v9'),
      'runtime.host': ref('HostSystem', 'host-2'),
    });
    const unknown = live.update([ref('VirtualMachine', 'vm-5')], [created], 1020);
    expect(unknown).toEqual([ref('Folder', 'group-v9'), ref('HostSystem', 'host-2')]);
    expect(
      live.update(
        unknown,
        [object('Folder', 'group-v9', { name: 'new', parent: ref('Folder', 'group-v1') }), host('host-2')],
        1020,
      ),
    ).toEqual([]);
    expect(vms(live)).toEqual(['vm-5:/dc/vm/new/name-vm-5:null']);
    expect(live.inventory.vms[0]).toMatchObject({ hostName: 'esx-host-2', clusterName: 'c1' });
  });
});
