import { generateInventory, type InventoryOptions } from './inventory.generator';
import type { Inventory, VmRecord } from './inventory.model';

const OPTIONS: InventoryOptions = {
  seed: 7,
  datacenters: 2,
  clustersPerDatacenter: 2,
  hostsPerCluster: 3,
  vmsPerHost: 10,
  datastoresPerCluster: 2,
  poweredOffPercent: 20,
  templatePercent: 5,
  srmPlaceholderPercent: 5,
  vcloudPercent: 20,
};

function snapshot(inventory: Inventory): string {
  return JSON.stringify([...inventory.entities.values()]);
}

describe('generateInventory', () => {
  it('gives the same inventory, down to UUIDs and dates, for the same seed and counts', () => {
    expect(snapshot(generateInventory(OPTIONS))).toBe(snapshot(generateInventory({ ...OPTIONS })));
  });

  it('gives another inventory for another seed', () => {
    expect(snapshot(generateInventory({ ...OPTIONS, seed: 8 }))).not.toBe(
      snapshot(generateInventory(OPTIONS)),
    );
  });

  it('has the counts it was asked for, with vCenter-style morefs', () => {
    const inventory = generateInventory(OPTIONS);
    const count = (kind: string): number =>
      [...inventory.entities.values()].filter((r) => r.kind === kind).length;
    expect(count('Datacenter')).toBe(2);
    expect(count('ClusterComputeResource')).toBe(4);
    expect(count('HostSystem')).toBe(12);
    expect(count('VirtualMachine')).toBe(120);
    expect(count('Datastore')).toBe(8);
    for (const record of inventory.entities.values())
      expect(record.moref).toMatch(
        /^(group-[dvhsn]|datacenter-|domain-c|host-|resgroup-|vm-|datastore-|network-)\d+$/,
      );
  });

  it('gives every cluster a root pool with Tin, Bronze, Silver and Gold', () => {
    const inventory = generateInventory(OPTIONS);
    for (const cluster of inventory.ofKind('ClusterComputeResource')) {
      const root = inventory.require(cluster.resourcePool, 'ResourcePool');
      expect(root.name).toBe('Resources');
      expect(root.pools.map((moref) => inventory.require(moref, 'ResourcePool').name)).toEqual([
        'Tin',
        'Bronze',
        'Silver',
        'Gold',
      ]);
    }
  });

  it('makes templates (powered off, no resource pool) and powered-off VMs, and names VMs uniquely per folder', () => {
    const inventory = generateInventory({ ...OPTIONS, vmsPerHost: 50 });
    const vms = [...inventory.ofKind('VirtualMachine')];
    const templates = vms.filter((vm) => vm.template);
    expect(templates.length).toBeGreaterThan(0);
    for (const template of templates) {
      expect(template.resourcePool).toBeUndefined();
      expect(template.powerState).toBe('poweredOff');
    }
    expect(vms.some((vm) => !vm.template && vm.powerState === 'poweredOff')).toBe(true);
    for (const folder of inventory.ofKind('Folder')) {
      const names = folder.children.filter((m) => m.startsWith('vm-')).map((m) => inventory.get(m)!.name);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('links every VM into its folder, pool, host and datastore, and keeps datastores from overfilling', () => {
    const inventory = generateInventory(OPTIONS);
    for (const vm of inventory.ofKind('VirtualMachine')) {
      expect(inventory.require(vm.parent, 'Folder').children).toContain(vm.moref);
      expect(inventory.require(vm.host, 'HostSystem').vms).toContain(vm.moref);
      expect(inventory.require(vm.datastore, 'Datastore').vms).toContain(vm.moref);
      if (vm.resourcePool) expect(inventory.require(vm.resourcePool, 'ResourcePool').vms).toContain(vm.moref);
      expect(vm.disks.length).toBeGreaterThan(0);
      expect(vm.createDate).toBeLessThan(Date.UTC(2025, 0, 1));
    }
    for (const datastore of inventory.ofKind('Datastore')) expect(datastore.freeBytes).toBeGreaterThan(0);
  });

  it('makes the asked share of VMs SRM placeholders (powered off) and vCD-managed with a cloud.uuid, the rest unchanged', () => {
    const options = { ...OPTIONS, vmsPerHost: 50 };
    const vms = [...generateInventory(options).ofKind('VirtualMachine')];
    const srm = vms.filter((vm) => vm.managedBy?.extensionKey === 'com.vmware.vcDr');
    const vcd = vms.filter((vm) => vm.managedBy?.extensionKey === 'com.vmware.vcloud');
    // 600 VMs: 5 % and 20 % of the rest, within a wide margin of the draw.
    expect(srm.length).toBeGreaterThan(10);
    expect(srm.length).toBeLessThan(60);
    expect(vcd.length).toBeGreaterThan(70);
    expect(vcd.length).toBeLessThan(170);
    for (const vm of srm) {
      expect(vm.managedBy!.type).toBe('placeholderVm');
      expect(vm.powerState).toBe('poweredOff');
      expect(vm.extraConfig).toEqual([]);
    }
    for (const vm of vcd) {
      expect(vm.template).toBe(false);
      expect(vm.extraConfig).toEqual([
        ['cloud.uuid', expect.stringMatching(/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/)],
      ]);
    }
    expect(new Set(vcd.map((vm) => vm.extraConfig[0][1])).size).toBe(vcd.length);

    // The shares come from a stream of their own: without them, every other VM is as it was.
    const plain = [
      ...generateInventory({ ...options, srmPlaceholderPercent: 0, vcloudPercent: 0 }).ofKind(
        'VirtualMachine',
      ),
    ];
    expect(plain.every((vm) => vm.managedBy === undefined)).toBe(true);
    const core = (vm: VmRecord) => ({
      ...vm,
      managedBy: undefined,
      extraConfig: undefined,
      powerState: undefined,
      bootTime: undefined,
    });
    expect(vms.map(core)).toEqual(plain.map(core));
    const power = (vm: VmRecord) => [vm.moref, vm.powerState, vm.bootTime];
    expect(vms.filter((vm) => !srm.includes(vm)).map(power)).toEqual(
      plain.filter((vm) => !srm.some((placeholder) => placeholder.moref === vm.moref)).map(power),
    );
  });
});
