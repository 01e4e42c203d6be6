import type { EventFilter, EventHistoryCollector, VcenterEvent, VsphereClient } from '@vcc/vsphere';
import { InventoryWatch } from './inventory-watch';

function event(type: string, vm: string): VcenterEvent {
  return {
    key: 1,
    chainId: 1,
    type,
    createdTime: new Date(0),
    userName: '',
    fullMessage: '',
    datacenter: null,
    cluster: null,
    host: null,
    vm: { moref: vm, name: vm },
    fields: {},
  };
}

/** A client whose event collector answers from a queue of reads (an Error is thrown). */
function client(reads: (VcenterEvent[] | Error)[], open: 'ok' | 'fails' = 'ok') {
  const collector = {
    valid: true,
    readNext: jest.fn(async () => {
      const next = reads.shift() ?? [];
      if (next instanceof Error) throw next;
      return next;
    }),
    destroy: jest.fn(async () => undefined),
  };
  const filters: EventFilter[] = [];
  const fake = {
    currentTime: async () => new Date(Date.UTC(2026, 10, 29, 10, 0, 0)),
    openEventCollector: async (filter: EventFilter) => {
      if (open === 'fails') throw new Error('NotImplemented');
      filters.push(filter);
      return collector as unknown as EventHistoryCollector;
    },
  };
  return { client: fake as unknown as VsphereClient, collector, filters };
}

describe('InventoryWatch', () => {
  it("opens a collector a minute before vCenter's now on the inventory-changing events, and names what they changed", async () => {
    const { client: vsphere, filters } = client([[event('VmPoweredOnEvent', 'vm-7')], []]);
    const watch = new InventoryWatch();
    await watch.start(vsphere);
    expect(filters[0].since).toEqual(new Date(Date.UTC(2026, 10, 29, 9, 59, 0)));
    expect(filters[0].types).toEqual(
      expect.arrayContaining(['VmPoweredOnEvent', 'VmRemovedEvent', 'HostAddedEvent']),
    );
    expect(await watch.changes()).toEqual([{ type: 'VirtualMachine', value: 'vm-7' }]);
    expect(await watch.changes()).toEqual([]);
  });

  it('asks for a full read after a re-login or a failed read, and destroys the old collector when started again', async () => {
    const { client: vsphere, collector } = client([new Error('socket hang up')]);
    const watch = new InventoryWatch();
    await watch.start(vsphere);
    expect(await watch.changes()).toBe('resync');
    await watch.start(vsphere);
    expect(collector.destroy).toHaveBeenCalledTimes(1);
    collector.valid = false;
    expect(await watch.changes()).toBe('resync');
  });

  it('reports no changes where no collector can be opened: the periodic read takes over', async () => {
    const { client: vsphere } = client([], 'fails');
    const watch = new InventoryWatch();
    await watch.start(vsphere);
    expect(await watch.changes()).toEqual([]);
  });
});
