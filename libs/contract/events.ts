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
