import { SimulatorInventoryConfig } from '@vcc/config';
import { generateInventory } from '../../apps/simulator/inventory/inventory.generator';
import { sampleValue } from '../../apps/simulator/perf/sample-value';
import type { RunningApp } from '../support/apps';
import { runProcess } from '../support/processes';
import { admin, probe, startSimulator } from './simulator';

// What VMware's own Python SDK reads from the simulator: the inventory query vcc's collector runs,
// QueryPerf values (each one recomputed with sampleValue), and events.

interface Typed {
  value: unknown;
  pytype: string;
}
interface InventoryObject {
  type: string;
  moref: string;
  props: Record<string, Typed>;
  missing: string[];
}
interface Inventory {
  pages: number;
  objects: InventoryObject[];
}
interface EntityMetric {
  entity: string;
  sampleInfo: [string, number][];
  series: { counterId: number; instance: string; values: number[] }[];
}
interface Perf {
  refreshRate: number;
  historicalInterval: number;
  counters: Record<string, string>;
  vms: { moref: string; numCPU: number; disks: number[]; nics: number[] }[];
  realtime: EntityMetric[];
  historical: EntityMetric[];
}
interface ProbedEvent {
  key: number;
  chainId: number;
  type: string;
  vm: string;
  host: string;
  numCPUs?: number;
  memoryMB?: number;
  newPool?: string;
  sourceHost?: string;
}
interface Events {
  queried: ProbedEvent[];
  collected: ProbedEvent[];
  latestPage: number[];
}

// The simulator's default inventory: 1 datacenter, 2 clusters of 4 hosts, 25 VMs per host.
const CLUSTERS = 2;
const HOSTS = 8;
const VMS = HOSTS * 25;
const DATASTORES = CLUSTERS * 2;
// The datacenter's vm/host/datastore/network folders, 6 tenants with prod/test/dev, Templates (a view
// shows what its container holds, not the container: the root folder is not in it).
const FOLDERS = 4 + 6 * 4 + 1;

describe('the simulator, seen by pyVmomi', () => {
  let simulator: RunningApp;

  beforeAll(async () => {
    simulator = await startSimulator({ VCC_HTTP_TLS_SELF_SIGNED: 'true' });
  });
  afterAll(() => simulator?.stop());

  it('logs in over HTTPS and reads the inventory through one container view, paged by maxObjects', async () => {
    const { inventory: paged } = await probe<{ inventory: Inventory }>(simulator, 'inventory:40');
    const { inventory: whole } = await probe<{ inventory: Inventory }>(simulator, 'inventory:0');
    expect(whole.pages).toBe(1);
    expect(paged.pages).toBe(Math.ceil(whole.objects.length / 40));
    expect(paged.objects).toEqual(whole.objects);

    const ofType = (type: string): InventoryObject[] => whole.objects.filter((o) => o.type === type);
    expect(ofType('Datacenter')).toHaveLength(1);
    expect(ofType('ClusterComputeResource')).toHaveLength(CLUSTERS);
    expect(ofType('HostSystem')).toHaveLength(HOSTS);
    expect(ofType('VirtualMachine')).toHaveLength(VMS);
    expect(ofType('Datastore')).toHaveLength(DATASTORES);
    expect(ofType('ResourcePool')).toHaveLength(CLUSTERS * 5);
    expect(ofType('Folder')).toHaveLength(FOLDERS);
    expect(new Set(ofType('ResourcePool').map((p) => p.props.name.value))).toEqual(
      new Set(['Resources', 'Tin', 'Bronze', 'Silver', 'Gold']),
    );

    // xsi:type on every value, so pyVmomi decodes each to its vim25 type.
    const vm = ofType('VirtualMachine').find(
      (o) => o.props['runtime.powerState'].value === 'poweredOn' && !o.props['config.managedBy'],
    )!;
    const pytypes = Object.fromEntries(Object.entries(vm.props).map(([path, typed]) => [path, typed.pytype]));
    expect(pytypes).toEqual({
      name: 'str',
      parent: 'vim.Folder',
      resourcePool: 'vim.ResourcePool',
      'runtime.powerState': 'vim.VirtualMachine.PowerState',
      'runtime.host': 'vim.HostSystem',
      'config.uuid': 'str',
      'config.instanceUuid': 'str',
      'config.template': 'bool',
      'config.hardware.numCPU': 'int',
      'config.hardware.memoryMB': 'int',
      'config.createDate': 'datetime',
      'config.guestId': 'str',
      'config.guestFullName': 'str',
      'summary.storage.committed': 'long',
      'summary.storage.uncommitted': 'long',
    });
    const host = ofType('HostSystem')[0];
    expect(host.props['summary.hardware.numCpuCores'].pytype).toBe('short');
    expect(host.props['summary.hardware.memorySize'].pytype).toBe('long');
    expect(host.props['runtime.connectionState'].pytype).toBe('vim.HostSystem.ConnectionState');
    expect(ofType('Datastore')[0].props['summary.capacity'].pytype).toBe('long');

    // Templates have no resource pool, as in vCenter.
    const templates = ofType('VirtualMachine').filter((o) => o.props['config.template'].value === true);
    expect(templates.length).toBeGreaterThan(0);
    for (const template of templates) expect(template.props.resourcePool).toBeUndefined();
  });

  it('reads config.managedBy and the cloud.uuid setting by indexed path, typed, on the VMs the generator made SRM placeholders and vCD VMs', async () => {
    const { inventory } = await probe<{ inventory: Inventory }>(simulator, 'inventory:0');
    const generated = [
      ...generateInventory({ ...new SimulatorInventoryConfig(), seed: 11 }).ofKind('VirtualMachine'),
    ];
    const expected = (extensionKey: string) =>
      generated.filter((vm) => vm.managedBy?.extensionKey === extensionKey).map((vm) => vm.moref);
    const vms = inventory.objects.filter((o) => o.type === 'VirtualMachine');
    const managedBy = (extensionKey: string) =>
      vms.filter(
        (o) =>
          (o.props['config.managedBy']?.value as { extensionKey?: string } | undefined)?.extensionKey ===
          extensionKey,
      );

    const placeholders = managedBy('com.vmware.vcDr');
    expect(placeholders.map((o) => o.moref).sort()).toEqual(expected('com.vmware.vcDr').sort());
    expect(placeholders.length).toBeGreaterThan(0);
    for (const o of placeholders) {
      expect(o.props['config.managedBy']).toEqual({
        value: { extensionKey: 'com.vmware.vcDr', type: 'placeholderVm' },
        pytype: 'vim.ext.ManagedByInfo',
      });
      expect(o.props['runtime.powerState'].value).toBe('poweredOff');
      expect(o.props['config.extraConfig["cloud.uuid"]']).toBeUndefined();
    }

    const vcd = managedBy('com.vmware.vcloud');
    expect(vcd.map((o) => o.moref).sort()).toEqual(expected('com.vmware.vcloud').sort());
    expect(vcd.length).toBeGreaterThan(0);
    const cloudUuids = new Map(generated.map((vm) => [vm.moref, vm.extraConfig[0]?.[1]]));
    for (const o of vcd) {
      expect(o.props['config.extraConfig["cloud.uuid"]']).toEqual({
        value: { key: 'cloud.uuid', value: cloudUuids.get(o.moref) },
        pytype: 'vim.option.OptionValue',
      });
    }
    const others = vms.filter((o) => !o.props['config.managedBy']);
    expect(others.length).toBe(VMS - placeholders.length - vcd.length);
    for (const o of others) expect(o.props['config.extraConfig["cloud.uuid"]']).toBeUndefined();
  });

  it('gets QueryPerf values equal to sampleValue, with instances per vCPU, virtual disk, NIC and datastore', async () => {
    const { perf } = await probe<{ perf: Perf }>(simulator, 'perf:6:5');
    expect(perf.refreshRate).toBe(20);
    expect(perf.historicalInterval).toBe(300);
    expect(perf.realtime).toHaveLength(6);

    let checked = 0;
    const check = (metric: EntityMetric, interval: number): void => {
      const times = metric.sampleInfo.map(([timestamp, seconds]) => {
        expect(seconds).toBe(interval);
        return Date.parse(timestamp) / 1000;
      });
      expect(times.every((t, i) => t % interval === 0 && (i === 0 || t - times[i - 1] === interval))).toBe(
        true,
      );
      for (const series of metric.series) {
        expect(series.values).toHaveLength(times.length);
        const counter = perf.counters[series.counterId];
        series.values.forEach((value, i) => {
          expect(value).toBe(sampleValue(metric.entity, counter, series.instance, times[i]));
          checked++;
        });
      }
    };
    for (const metric of perf.realtime) {
      expect(metric.sampleInfo).toHaveLength(5);
      check(metric, 20);
      const vm = perf.vms.find((v) => v.moref === metric.entity)!;
      const instances = (name: string): string[] =>
        metric.series.filter((s) => perf.counters[s.counterId] === name).map((s) => s.instance);
      expect(instances('cpu.usage.average')).toEqual(['']);
      expect(instances('cpu.usagemhz.average')).toEqual([
        '',
        ...Array.from({ length: vm.numCPU }, (_, i) => `${i}`),
      ]);
      expect(instances('virtualDisk.read.average')).toEqual(vm.disks.map((unit) => `scsi0:${unit}`));
      expect(instances('net.usage.average')).toEqual(['', ...vm.nics.map(String)]);
      expect(instances('datastore.read.average')).toHaveLength(1);
    }
    expect(perf.historical).toHaveLength(CLUSTERS + DATASTORES);
    for (const metric of perf.historical) {
      check(metric, 300);
      const counters = metric.series.map((s) => perf.counters[s.counterId]).sort();
      expect(counters).toEqual(
        metric.entity.startsWith('domain-c')
          ? ['cpu.usage.average', 'mem.consumed.average']
          : ['disk.capacity.latest', 'disk.used.latest'],
      );
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('reads the events of inventory changes with QueryEvents and an event history collector', async () => {
    const posted = JSON.parse((await admin(simulator, 'POST', 'inventory-changes', { count: 25 })).body) as {
      events: { key: number; type: string; vm: string }[];
    };
    expect(posted.events.length).toBeGreaterThanOrEqual(25);
    const { events } = await probe<{ events: Events }>(simulator, 'events');
    const keys = posted.events.map((e) => e.key);
    expect(events.collected.map((e) => e.key)).toEqual(keys);
    expect(events.queried.map((e) => e.key)).toEqual([...keys].reverse());
    expect(events.latestPage).toEqual([...keys].reverse().slice(0, 10));
    expect(events.collected.map(({ key, type, vm }) => ({ key, type, vm }))).toEqual(posted.events);
  });

  it('changes the inventory to match the events: power, hardware, host, pool, creation and removal', async () => {
    const before = (await probe<{ inventory: Inventory }>(simulator, 'inventory:0')).inventory;
    const posted = JSON.parse((await admin(simulator, 'POST', 'inventory-changes', { count: 150 })).body) as {
      events: { key: number }[];
    };
    const firstKey = posted.events[0].key;
    const { inventory, events } = await probe<{ inventory: Inventory; events: Events }>(
      simulator,
      'inventory:0',
      'events',
    );
    const vms = new Map(
      inventory.objects.filter((o) => o.type === 'VirtualMachine').map((o) => [o.moref, o]),
    );
    const existedBefore = new Set(before.objects.map((o) => o.moref));
    const prop = (moref: string, path: string): unknown => vms.get(moref)?.props[path]?.value;
    const lastOf = (moref: string, types: string[]): ProbedEvent | undefined =>
      events.collected.filter((e) => e.vm === moref && types.includes(e.type)).at(-1);

    const seen = new Set<string>();
    for (const event of events.collected) {
      seen.add(event.type);
      const vm = event.vm;
      if (event.type === 'VmRemovedEvent') {
        expect(vms.has(vm)).toBe(false);
        continue;
      }
      if (lastOf(vm, ['VmRemovedEvent'])) continue;
      expect(vms.has(vm)).toBe(true);
      const power = lastOf(vm, ['VmPoweredOnEvent', 'VmPoweredOffEvent', 'VmBeingCreatedEvent']);
      if (power)
        expect(prop(vm, 'runtime.powerState')).toBe(
          power.type === 'VmPoweredOnEvent' ? 'poweredOn' : 'poweredOff',
        );
      const reconfigured = lastOf(vm, ['VmReconfiguredEvent']);
      if (reconfigured) {
        expect(prop(vm, 'config.hardware.numCPU')).toBe(reconfigured.numCPUs);
        expect(prop(vm, 'config.hardware.memoryMB')).toBe(reconfigured.memoryMB);
      }
      const moved = lastOf(vm, ['VmMigratedEvent', 'VmBeingCreatedEvent']);
      if (moved) expect((prop(vm, 'runtime.host') as { moref: string }).moref).toBe(moved.host);
      const pool = lastOf(vm, ['VmResourcePoolMovedEvent']);
      if (pool) expect((prop(vm, 'resourcePool') as { moref: string }).moref).toBe(pool.newPool);
      if (event.type === 'VmBeingCreatedEvent' && event.key >= firstKey) {
        expect(existedBefore.has(vm)).toBe(false);
        const created = events.collected.find((e) => e.type === 'VmCreatedEvent' && e.chainId === event.key);
        // Until VmCreatedEvent, config cannot be read: it is in missingSet, as in vCenter.
        if (created) expect(vms.get(vm)!.missing).toEqual([]);
        else expect(vms.get(vm)!.missing).toContain('config.hardware.numCPU');
      }
    }
    expect(seen).toEqual(
      new Set([
        'VmBeingCreatedEvent',
        'VmCreatedEvent',
        'VmPoweredOnEvent',
        'VmPoweredOffEvent',
        'VmReconfiguredEvent',
        'VmMigratedEvent',
        'VmResourcePoolMovedEvent',
        'VmRemovedEvent',
      ]),
    );
  });

  it('gets RestrictedByAdministrator for a historical QueryPerf over maxQueryMetrics (256 by default)', async () => {
    const limits = await probe<Record<string, unknown>>(simulator, 'query-limit:256');
    expect(limits['query-limit']).toEqual({ ok: true });
    const over = await probe<Record<string, unknown>>(simulator, 'query-limit:257');
    expect(over['query-limit']).toEqual({
      fault: 'vim.fault.RestrictedByAdministrator',
      msg: "This operation is restricted by the administrator - 'vpxd.stats.maxQueryMetrics'. Contact your system administrator.",
    });
  });

  it('answers a call without a session with NotAuthenticated', async () => {
    const { unauthenticated } = await probe<{ unauthenticated: { fault?: string } }>(
      simulator,
      'unauthenticated',
    );
    expect(unauthenticated).toEqual({
      fault: 'vim.fault.NotAuthenticated',
      msg: 'The session is not authenticated.',
    });
  });

  it('lists the same VMs to list_vms.py (the harness check against vcsim) as to the inventory query', async () => {
    const listed = await runProcess('/usr/bin/python3', [
      'test/pyvmomi/list_vms.py',
      `${simulator.url}/sdk`,
      'user',
      'pass',
    ]);
    expect(listed.code).toBe(0);
    const { inventory } = await probe<{ inventory: Inventory }>(simulator, 'inventory:0');
    const fromInventory = inventory.objects
      .filter((o) => o.type === 'VirtualMachine')
      .map((o) => ({
        moref: o.moref,
        name: o.props.name.value,
        powerState: o.props['runtime.powerState'].value,
      }))
      .sort((a, b) => a.moref.localeCompare(b.moref));
    expect(JSON.parse(listed.stdout)).toEqual(fromInventory);
  });
});
