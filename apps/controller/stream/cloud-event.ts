/** A stored event as the stream reads it (a row of vcenter_event). */
export interface StoredEvent {
  key: number;
  chainId: number;
  type: string;
  createdTime: Date;
  userName: string | null;
  fullMessage: string | null;
  datacenterMoref: string | null;
  datacenterName: string | null;
  clusterMoref: string | null;
  clusterName: string | null;
  hostMoref: string | null;
  hostName: string | null;
  vmMoref: string | null;
  vmName: string | null;
  fields: Record<string, unknown>;
}

/** The vCenter an event came from, as its CloudEvents `id` and `source` name it. */
export interface EventSource {
  name: string;
  sdkUrl: string;
}

export type EventClass = 'event' | 'eventex' | 'extendedevent';

/** A CloudEvents 1.0 event in the JSON format, with the `eventclass` extension. */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: 'application/json';
  eventclass: EventClass;
  data: Record<string, unknown>;
}

/**
 * EventEx and ExtendedEvent are generic classes: what happened is in their eventTypeId (e.g.
 * com.vmware.vc.HA.ClusterFailoverActionTriggeredEvent), so that names the CloudEvents type.
 */
export function eventClass(type: string): EventClass {
  if (type === 'EventEx') return 'eventex';
  if (type === 'ExtendedEvent') return 'extendedevent';
  return 'event';
}

/** The event's type name: the vim25 class, or the eventTypeId of an EventEx or ExtendedEvent. */
export function eventTypeName(event: Pick<StoredEvent, 'type' | 'fields'>): string {
  const typeId = event.fields.eventTypeId;
  return eventClass(event.type) !== 'event' && typeof typeId === 'string' && typeId ? typeId : event.type;
}

/**
 * The event as vCenter gave it: the base Event properties under their vim25 names (entity
 * references as `{name, <entity>: ManagedObjectReference}`) and the subclass's own fields.
 * Morefs are stored without their type, which is fixed by the property: a computeResource may be a
 * cluster or a standalone host, so it gets the common base type ComputeResource.
 */
function data(event: StoredEvent): Record<string, unknown> {
  const entity = (property: string, type: string, moref: string | null, name: string | null) =>
    moref === null ? {} : { [property]: { name: name ?? '', [property]: { type, value: moref } } };
  // Base properties last: a backfilled event's fields cannot pass for them.
  return {
    ...event.fields,
    key: event.key,
    chainId: event.chainId,
    createdTime: event.createdTime.toISOString(),
    ...(event.userName !== null ? { userName: event.userName } : {}),
    ...entity('datacenter', 'Datacenter', event.datacenterMoref, event.datacenterName),
    ...entity('computeResource', 'ComputeResource', event.clusterMoref, event.clusterName),
    ...entity('host', 'HostSystem', event.hostMoref, event.hostName),
    ...entity('vm', 'VirtualMachine', event.vmMoref, event.vmName),
    ...(event.fullMessage !== null ? { fullFormattedMessage: event.fullMessage } : {}),
  };
}

/** The CloudEvents form of a stored event; `id` is unique across vCenters, `source` is the SDK URL. */
export function toCloudEvent(source: EventSource, event: StoredEvent): CloudEvent {
  return {
    specversion: '1.0',
    id: `${source.name}:${event.key}`,
    source: source.sdkUrl,
    type: `vmware.vsphere.${eventTypeName(event)}.v0`,
    time: event.createdTime.toISOString(),
    datacontenttype: 'application/json',
    eventclass: eventClass(event.type),
    data: data(event),
  };
}
