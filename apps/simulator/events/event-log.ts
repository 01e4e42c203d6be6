import type { XmlValue } from '../property-collector/vim-types';

/** A posted event: its XML (written once, events never change) and what filters match it on. */
export interface VimEvent extends XmlValue {
  key: number;
  /** The VM the event is about (every event the simulator posts is a VmEvent). */
  vm: string;
  /** Epoch ms. */
  createdTime: number;
  userName: string;
  /** Every entity named in the event (vm, host, cluster, datacenter, datastore, pools). */
  entities: string[];
  /** The direct parents of those entities when the event happened. */
  parents: string[];
  /** All their ancestors when the event happened. */
  ancestors: string[];
}

export type Recursion = 'self' | 'children' | 'all';

/** EventFilterSpec, the parts the simulator honours. Times in epoch ms. */
export interface EventFilter {
  entity?: { entity: string; recursion: Recursion };
  beginTime?: number;
  endTime?: number;
  eventTypeId?: string[];
  userName?: string[];
}

// Every event the simulator posts is a VmEvent.
const SUPERTYPES = ['VmEvent', 'Event'];

export function eventMatches(event: VimEvent, filter: EventFilter): boolean {
  if (filter.beginTime !== undefined && event.createdTime < filter.beginTime) return false;
  if (filter.endTime !== undefined && event.createdTime > filter.endTime) return false;
  if (
    filter.eventTypeId?.length &&
    !filter.eventTypeId.some((id) => id === event.type || SUPERTYPES.includes(id))
  )
    return false;
  if (filter.userName?.length && !filter.userName.includes(event.userName)) return false;
  if (filter.entity) {
    const { entity, recursion } = filter.entity;
    const self = event.entities.includes(entity);
    if (recursion === 'self' && !self) return false;
    if (recursion === 'children' && !event.parents.includes(entity)) return false;
    if (recursion === 'all' && !self && !event.ancestors.includes(entity)) return false;
  }
  return true;
}

/**
 * The events of the simulated vCenter, oldest first, with keys in posting order. Reading is by key,
 * so readers keep their place while events are added and old ones are dropped.
 */
export class EventLog {
  private readonly events: VimEvent[] = [];
  private lastKey = 0;

  constructor(private readonly capacity = 100_000) {}

  nextKey(): number {
    this.lastKey += 1;
    return this.lastKey;
  }

  append(event: VimEvent): void {
    this.events.push(event);
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
  }

  get latest(): VimEvent | undefined {
    return this.events[this.events.length - 1];
  }

  /** Matching events with key ≥ fromKey, oldest first, at most `max`. */
  after(fromKey: number, filter: EventFilter, max: number): VimEvent[] {
    const found: VimEvent[] = [];
    for (let i = this.indexOf(fromKey); i < this.events.length && found.length < max; i++)
      if (eventMatches(this.events[i], filter)) found.push(this.events[i]);
    return found;
  }

  /** Matching events with key < beforeKey, newest first, at most `max`. */
  before(beforeKey: number, filter: EventFilter, max: number): VimEvent[] {
    const found: VimEvent[] = [];
    for (let i = this.indexOf(beforeKey) - 1; i >= 0 && found.length < max; i--)
      if (eventMatches(this.events[i], filter)) found.push(this.events[i]);
    return found;
  }

  /** The index of the first event with key ≥ key. */
  private indexOf(key: number): number {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.events[mid].key < key) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
