import type { VcenterEvent } from '@vcc/vsphere';
import { changedObjects } from './inventory-changes';

function event(type: string, vm: string | null, host: string | null): VcenterEvent {
  return {
    key: 1,
    chainId: 1,
    type,
    createdTime: new Date(0),
    userName: '',
    fullMessage: '',
    datacenter: null,
    cluster: null,
    host: host ? { moref: host, name: host } : null,
    vm: vm ? { moref: vm, name: vm } : null,
    fields: {},
  };
}

describe('changedObjects', () => {
  it('names the VM of VM events and the host of host events, each once', () => {
    expect(
      changedObjects([
        event('VmPoweredOnEvent', 'vm-7', 'host-1'),
        event('VmMigratedEvent', 'vm-8', 'host-2'),
        event('HostConnectedEvent', null, 'host-3'),
        event('VmRemovedEvent', 'vm-7', 'host-1'),
      ]),
    ).toEqual([
      { type: 'VirtualMachine', value: 'vm-7' },
      { type: 'VirtualMachine', value: 'vm-8' },
      { type: 'HostSystem', value: 'host-3' },
    ]);
  });

  it('ignores events that change nothing the inventory holds', () => {
    expect(
      changedObjects([
        event('UserLoginSessionEvent', null, null),
        event('AlarmStatusChangedEvent', 'vm-1', 'host-1'),
      ]),
    ).toEqual([]);
  });
});
