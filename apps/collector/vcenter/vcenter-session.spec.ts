import { VsphereClient, type MoRef, type ObjectContent, type VcenterEvent } from '@vcc/vsphere';
import type { VcenterConnection } from '../controller/controller.types';
import { VcenterSession } from './vcenter-session';

const ref = (type: string, value: string): MoRef => ({ type, value });
const object = (type: string, value: string, props: Record<string, unknown>): ObjectContent => ({
  obj: ref(type, value),
  props,
  missing: [],
});
const vm = (moref: string, powerState: string): ObjectContent =>
  object('VirtualMachine', moref, {
    name: moref,
    parent: ref('Folder', 'group-v1'),
    'runtime.host': ref('HostSystem', 'host-1'),
    'runtime.powerState': powerState,
  });
const TREE = [
  object('Datacenter', 'datacenter-1', { name: 'dc', vmFolder: ref('Folder', 'group-v1') }),
  object('Folder', 'group-v1', { name: 'vm', parent: ref('Datacenter', 'datacenter-1') }),
  object('HostSystem', 'host-1', {
    name: 'esx',
    parent: ref('Folder', 'group-h1'),
    'runtime.connectionState': 'connected',
    'runtime.powerState': 'poweredOn',
  }),
];
const poweredOn = (moref: string): VcenterEvent => ({
  key: 1,
  chainId: 1,
  type: 'VmPoweredOnEvent',
  createdTime: new Date(0),
  userName: '',
  fullMessage: '',
  datacenter: null,
  cluster: null,
  host: null,
  vm: { moref, name: moref },
  fields: {},
});

/** A vCenter whose inventory is `objects` and whose event collector returns `events` once per read. */
function fakeVcenter(objects: ObjectContent[]) {
  const vcenter = {
    objects,
    events: [] as VcenterEvent[],
    fullReads: 0,
    byRefFails: false,
    byRef: [] as string[][],
  };
  const client = {
    about: { fullName: 'fake vCenter', apiVersion: '8.0' },
    currentTime: async () => new Date(),
    openEventCollector: async () => ({
      valid: true,
      readNext: async () => vcenter.events.splice(0),
      destroy: async () => undefined,
    }),
    inventoryObjects: async () => {
      vcenter.fullReads++;
      return vcenter.objects;
    },
    inventoryObjectsByRef: async (refs: MoRef[]) => {
      if (vcenter.byRefFails) throw new Error('SystemError');
      vcenter.byRef.push(refs.map((r) => r.value));
      return vcenter.objects.filter((o) => refs.some((r) => r.value === o.obj.value));
    },
    close: async () => undefined,
  };
  jest.spyOn(VsphereClient, 'connect').mockResolvedValue(client as unknown as VsphereClient);
  return vcenter;
}

function session(): VcenterSession {
  return new VcenterSession({ id: 'v1', name: 'vc', tls: { insecure: true } } as VcenterConnection, {
    timeoutMs: 1000,
    inventoryTtlMs: 600_000,
    maxObjects: 1000,
    schema: 'vcc',
    observer: {},
  });
}

const vms = (inventory: { entities: { moref: string; kind: string }[] }) =>
  inventory.entities.filter((e) => e.kind === 'vm').map((e) => e.moref);

afterEach(() => jest.restoreAllMocks());

describe('VcenterSession inventory', () => {
  it('reads again, between full reads, the objects the events name', async () => {
    const vcenter = fakeVcenter([...TREE, vm('vm-1', 'poweredOn'), vm('vm-2', 'poweredOff')]);
    const vcenterSession = session();
    expect(vms(await vcenterSession.inventory(1))).toEqual(['vm-1']);

    vcenter.objects = [...TREE, vm('vm-1', 'poweredOn'), vm('vm-2', 'poweredOn')];
    vcenter.events.push(poweredOn('vm-2'));
    const updated = await vcenterSession.inventory(1);
    expect(vms(updated)).toEqual(['vm-1', 'vm-2']);
    expect([...updated.appearedAt.keys()]).toEqual(['vm-2']);
    expect(vcenter.byRef).toEqual([['vm-2']]);
    expect(vcenter.fullReads).toBe(1);

    // Nothing new: no read at all.
    await vcenterSession.inventory(1);
    expect(vcenter.byRef).toHaveLength(1);
    expect(vcenter.fullReads).toBe(1);
  });

  it('reads the inventory whole when reading the changed objects fails, and on an epoch change', async () => {
    const vcenter = fakeVcenter([...TREE, vm('vm-1', 'poweredOff')]);
    const vcenterSession = session();
    await vcenterSession.inventory(1);

    vcenter.objects = [...TREE, vm('vm-1', 'poweredOn')];
    vcenter.events.push(poweredOn('vm-1'));
    vcenter.byRefFails = true;
    expect(vms(await vcenterSession.inventory(1))).toEqual(['vm-1']);
    expect(vcenter.fullReads).toBe(2);

    await vcenterSession.inventory(2);
    expect(vcenter.fullReads).toBe(3);
  });
});
