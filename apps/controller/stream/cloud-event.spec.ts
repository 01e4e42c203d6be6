import { eventTypeName, toCloudEvent, type StoredEvent } from './cloud-event';

const source = { name: 'vc1', sdkUrl: 'https://vc1.example.com/sdk' };

function stored(overrides: Partial<StoredEvent> = {}): StoredEvent {
  return {
    key: 4711,
    chainId: 4700,
    type: 'VmMigratedEvent',
    createdTime: new Date('2026-11-29T10:00:00.123Z'),
    userName: 'VSPHERE.LOCAL\\admin',
    fullMessage: 'Migration of app-1 from esx-1 to esx-2 completed',
    datacenterMoref: 'datacenter-2',
    datacenterName: 'dc1',
    clusterMoref: 'domain-c7',
    clusterName: 'cluster-1',
    hostMoref: 'host-12',
    hostName: 'esx-2',
    vmMoref: 'vm-42',
    vmName: 'app-1',
    fields: {
      template: false,
      sourceHost: { name: 'esx-1', host: { type: 'HostSystem', value: 'host-11' } },
    },
    ...overrides,
  };
}

describe('toCloudEvent', () => {
  it('maps a stored event to CloudEvents 1.0 with the vim25 properties and subclass fields as data', () => {
    expect(toCloudEvent(source, stored())).toEqual({
      specversion: '1.0',
      id: 'vc1:4711',
      source: 'https://vc1.example.com/sdk',
      type: 'vmware.vsphere.VmMigratedEvent.v0',
      time: '2026-11-29T10:00:00.123Z',
      datacontenttype: 'application/json',
      eventclass: 'event',
      data: {
        key: 4711,
        chainId: 4700,
        createdTime: '2026-11-29T10:00:00.123Z',
        userName: 'VSPHERE.LOCAL\\admin',
        datacenter: { name: 'dc1', datacenter: { type: 'Datacenter', value: 'datacenter-2' } },
        computeResource: {
          name: 'cluster-1',
          computeResource: { type: 'ComputeResource', value: 'domain-c7' },
        },
        host: { name: 'esx-2', host: { type: 'HostSystem', value: 'host-12' } },
        vm: { name: 'app-1', vm: { type: 'VirtualMachine', value: 'vm-42' } },
        fullFormattedMessage: 'Migration of app-1 from esx-1 to esx-2 completed',
        template: false,
        sourceHost: { name: 'esx-1', host: { type: 'HostSystem', value: 'host-11' } },
      },
    });
  });

  it('leaves out the properties an event does not have', () => {
    const event = stored({
      userName: null,
      fullMessage: null,
      datacenterMoref: null,
      clusterMoref: null,
      hostMoref: null,
      vmMoref: null,
      fields: {},
    });
    expect(toCloudEvent(source, event).data).toEqual({
      key: 4711,
      chainId: 4700,
      createdTime: '2026-11-29T10:00:00.123Z',
    });
  });

  it('names EventEx and ExtendedEvent by their eventTypeId and says which class they are', () => {
    const eventEx = stored({ type: 'EventEx', fields: { eventTypeId: 'com.vmware.vc.HA.HostFailedEvent' } });
    expect(toCloudEvent(source, eventEx)).toMatchObject({
      type: 'vmware.vsphere.com.vmware.vc.HA.HostFailedEvent.v0',
      eventclass: 'eventex',
    });
    const extended = stored({ type: 'ExtendedEvent', fields: { eventTypeId: 'com.example.backup.done' } });
    expect(toCloudEvent(source, extended)).toMatchObject({
      type: 'vmware.vsphere.com.example.backup.done.v0',
      eventclass: 'extendedevent',
    });
    // Without an eventTypeId the class itself is the type.
    expect(eventTypeName(stored({ type: 'EventEx', fields: {} }))).toBe('EventEx');
  });

  it('keeps the base properties when a backfilled event carries fields of the same name', () => {
    const data = toCloudEvent(source, stored({ fields: { key: 1, createdTime: 'never' } })).data;
    expect(data).toMatchObject({ key: 4711, createdTime: '2026-11-29T10:00:00.123Z' });
  });
});
