export interface EntityRef {
  moref: string;
  name: string;
}

/**
 * A vCenter event as collectors post it (`POST /api/v1/events`). Collectors send every field; the
 * controller accepts the nullable ones left out.
 */
export interface EventRow {
  /** vCenter's event key, increasing per vCenter. */
  key: number;
  chainId: number;
  /** The vim25 event type, e.g. `VmPoweredOffEvent`. */
  type: string;
  createdTime: string;
  userName?: string | null;
  fullMessage?: string | null;
  datacenter?: EntityRef | null;
  /** The compute resource (cluster). */
  cluster?: EntityRef | null;
  host?: EntityRef | null;
  vm?: EntityRef | null;
  /** The event type's other properties. */
  fields?: Record<string, unknown>;
}

/** The body of `POST /api/v1/events`. */
export interface EventBatch {
  /** Id or name of the vCenter. */
  vcenter: string;
  events: EventRow[];
}

/**
 * The events after which a VM exists under its moref: created, cloned, deployed from a template or
 * registered. The key of the latest is a snapshot row's `creationEventKey`.
 */
export const VM_CREATION_EVENTS: readonly string[] = [
  'VmCreatedEvent',
  'VmClonedEvent',
  'VmDeployedEvent',
  'VmRegisteredEvent',
];

/** The event after which a VM no longer exists; its time is a snapshot row's `deletionTime`. */
export const VM_REMOVED_EVENT = 'VmRemovedEvent';
