import type { Inventory } from '@vcc/vsphere';
import { allEntities, globToRegExp, ownedEntities } from './entities';

const inventory: Inventory = {
  vms: [
    {
      moref: 'vm-1',
      name: 'db 1',
      powerState: 'poweredOn',
      template: false,
      datacenterName: 'dc1',
      folderPath: 'prod/db',
      clusterName: 'c1',
      hostName: 'esx1',
      resourcePoolName: 'Gold',
    },
    {
      moref: 'vm-2',
      name: 'web',
      powerState: 'poweredOff',
      template: false,
      datacenterName: 'dc1',
      folderPath: '',
      clusterName: 'c1',
      hostName: 'esx1',
      resourcePoolName: null,
    },
    {
      moref: 'vm-3',
      name: 'tpl',
      powerState: 'poweredOn',
      template: true,
      datacenterName: 'dc1',
      folderPath: '',
      clusterName: 'c1',
      hostName: 'esx1',
      resourcePoolName: null,
    },
    {
      moref: 'vm-4',
      name: 'test',
      powerState: 'poweredOn',
      template: false,
      datacenterName: 'dc1',
      folderPath: 'test',
      clusterName: 'c1',
      hostName: 'esx1',
      resourcePoolName: null,
    },
  ] as Inventory['vms'],
  hosts: [
    {
      moref: 'host-1',
      name: 'esx1',
      clusterName: 'c1',
      datacenterName: 'dc1',
      connectionState: 'connected',
      powerState: 'poweredOn',
    },
    {
      moref: 'host-2',
      name: 'esx2',
      clusterName: 'c1',
      datacenterName: 'dc1',
      connectionState: 'disconnected',
      powerState: 'poweredOn',
    },
  ] as Inventory['hosts'],
  clusters: [{ moref: 'domain-c7', name: 'c1', datacenterName: 'dc1' }],
  datastores: [{ moref: 'datastore-9', name: 'ds 1', datacenterName: 'dc1', capacityGb: 1, freeGb: 1 }],
  bootTimeByMoref: new Map([['vm-1', 1_700_000_000_900]]),
  guestIdByMoref: new Map(),
};

describe('entities', () => {
  const entities = allEntities(inventory, 'vc1', 'vcc');

  it('keeps what has performance data: powered-on VMs (no templates), connected hosts, clusters, datastores', () => {
    expect(entities.map((e) => `${e.kind}:${e.moref}:${e.path}`)).toEqual([
      'vm:vm-1:/dc1/vm/prod/db/db 1',
      'vm:vm-4:/dc1/vm/test/test',
      'host:host-1:/dc1/host/c1/esx1',
      'cluster:domain-c7:/dc1/host/c1',
      'datastore:datastore-9:/dc1/datastore/ds 1',
    ]);
    expect(entities[0].tags).toBe(
      ',clustername=c1,dcname=dc1,esxhostname=esx1,moid=vm-1,rpname=Gold,vcenter=vc1,vmname=db\\ 1',
    );
    expect(entities.map((e) => e.bootTime)).toEqual([1_700_000_000, null, null, null, null]);
  });

  it('splits the entities of a kind between the members of a group count without overlap or gap', () => {
    const vms = Array.from({ length: 100 }, (_, i) => ({ ...inventory.vms[0], moref: `vm-${i}` }));
    const many = allEntities({ ...inventory, vms }, 'vc1', 'vcc');
    const none = { include: [], exclude: [] };
    const owned = [[0], [1], [2]].map((indices) =>
      ownedEntities(many, ['vm'], indices, 3, none).map((e) => e.moref),
    );
    expect(owned.flat().sort()).toEqual(vms.map((vm) => vm.moref).sort());
    expect(new Set(owned.flat()).size).toBe(100);
  });

  it('applies include and exclude path globs', () => {
    const owned = ownedEntities(entities, ['vm', 'host'], [0], 1, {
      include: ['/dc1/vm/**', '/*/host/*/*'],
      exclude: ['/dc1/vm/test/**'],
    });
    expect(owned.map((e) => e.moref)).toEqual(['vm-1', 'host-1']);
    expect(globToRegExp('/dc1/vm/*').test('/dc1/vm/prod/db')).toBe(false);
  });
});
