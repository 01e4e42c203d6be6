import type { MoRef } from './soap/vim-decoder';
import type { VimSession } from './session';

/** A named reference to an inventory object, as events carry them. */
export interface EventEntity {
  moref: string;
  name: string;
}

/** A vCenter event (vim.event.Event and its subclasses), typed. */
export interface VcenterEvent {
  key: number;
  chainId: number;
  /** The event's class, e.g. VmPoweredOnEvent. */
  type: string;
  createdTime: Date;
  userName: string;
  fullMessage: string;
  datacenter: EventEntity | null;
  /** The compute resource (cluster) the event concerns. */
  cluster: EventEntity | null;
  host: EventEntity | null;
  vm: EventEntity | null;
  /** The subclass's own fields (e.g. sourceHost, configSpec), as vCenter sent them. */
  fields: Record<string, unknown>;
}

export interface EventFilter {
  /** Events created at or after this time. */
  since?: Date;
  until?: Date;
  /** Only event classes with these names (EventFilterSpec.eventTypeId). */
  types?: string[];
}

export interface ReadEventsOptions extends EventFilter {
  /** Skip events up to and including this key (where the last reader stopped). */
  afterKey?: number;
  /** Events per ReadNextEvents page (vCenter allows up to 1000). */
  pageSize?: number;
  /** Stop after this many events; the next read continues from the last key. */
  maxEvents?: number;
}

const BASE_FIELDS = new Set([
  '_type',
  'key',
  'chainId',
  'createdTime',
  'userName',
  'fullFormattedMessage',
  'datacenter',
  'computeResource',
  'host',
  'vm',
  'changeTag',
]);

interface RawEvent {
  _type?: string;
  key: number;
  chainId: number;
  createdTime: Date;
  userName?: string;
  fullFormattedMessage?: string;
  datacenter?: { name: string; datacenter: MoRef };
  computeResource?: { name: string; computeResource: MoRef };
  host?: { name: string; host: MoRef };
  vm?: { name: string; vm: MoRef };
  [field: string]: unknown;
}

function filterSpec(filter: EventFilter): Record<string, unknown> {
  const time: Record<string, Date> = {};
  if (filter.since) time.beginTime = filter.since;
  if (filter.until) time.endTime = filter.until;
  return {
    ...(Object.keys(time).length ? { time } : {}),
    ...(filter.types?.length ? { eventTypeId: filter.types } : {}),
  };
}

/**
 * Reads events through an EventHistoryCollector (EventManager.CreateCollectorForEvents, then
 * ReadNextEvents page by page, then DestroyCollector), oldest first, skipping keys up to `afterKey`.
 * Pages come back unordered, so the result is sorted by key. A collector belongs to its session,
 * so a re-login starts the read over.
 */
export async function readEvents(
  session: VimSession,
  options: ReadEventsOptions = {},
): Promise<VcenterEvent[]> {
  const eventManager = requireEventManager(session);
  const pageSize = options.pageSize ?? 500;
  const raw = await session.withRelogin(async () => {
    const collector = await session.invoke<MoRef>('CreateCollectorForEvents', eventManager, {
      filter: filterSpec(options),
    });
    try {
      const events: RawEvent[] = [];
      let fresh = 0;
      for (;;) {
        const page = await session.invoke<RawEvent[]>('ReadNextEvents', collector, { maxCount: pageSize });
        if (page.length === 0) break;
        events.push(...page);
        fresh += page.filter(
          (event) => options.afterKey === undefined || event.key > options.afterKey,
        ).length;
        // Pages move forward in time, so once enough new events are in, later pages only hold newer ones.
        if (options.maxEvents !== undefined && fresh >= options.maxEvents) break;
      }
      return events;
    } finally {
      await session.invoke('DestroyCollector', collector).catch(() => undefined);
    }
  });
  const events = raw
    .map(toEvent)
    .filter((event) => options.afterKey === undefined || event.key > options.afterKey)
    .sort((a, b) => a.key - b.key);
  return options.maxEvents !== undefined ? events.slice(0, options.maxEvents) : events;
}

/**
 * A long-lived EventHistoryCollector (EventManager.CreateCollectorForEvents), read forward with
 * ReadNextEvents: events vCenter posts after it was created and that match its filter show up in
 * later reads, so an empty read is one cheap call. It belongs to the session that created it and
 * is gone after a re-login: `valid` turns false, and the owner opens a new one (and must assume it
 * missed events in between).
 * https://developer.broadcom.com/xapis/vsphere-web-services-api/latest/vim.event.EventHistoryCollector.html
 */
export class EventHistoryCollector {
  private constructor(
    private readonly session: VimSession,
    private readonly ref: MoRef,
    private readonly login: number,
  ) {}

  static async open(session: VimSession, filter: EventFilter): Promise<EventHistoryCollector> {
    const eventManager = requireEventManager(session);
    return session.withRelogin(async () => {
      const ref = await session.invoke<MoRef>('CreateCollectorForEvents', eventManager, {
        filter: filterSpec(filter),
      });
      return new EventHistoryCollector(session, ref, session.relogins);
    });
  }

  /** False once the session logged in again: the collector went with the old login. */
  get valid(): boolean {
    return this.session.relogins === this.login;
  }

  /** The events after the last read, oldest first, `pageSize` per call until a short page. */
  async readNext(pageSize = 1000): Promise<VcenterEvent[]> {
    const raw: RawEvent[] = [];
    for (;;) {
      const page = await this.session.invoke<RawEvent[]>('ReadNextEvents', this.ref, { maxCount: pageSize });
      raw.push(...page);
      if (page.length < pageSize) break;
    }
    return raw.map(toEvent).sort((a, b) => a.key - b.key);
  }

  async destroy(): Promise<void> {
    if (this.valid) await this.session.invoke('DestroyCollector', this.ref).catch(() => undefined);
  }
}

/** EventManager.QueryEvents: the latest events matching the filter (vCenter returns at most 1000). */
export async function queryEvents(session: VimSession, filter: EventFilter = {}): Promise<VcenterEvent[]> {
  const raw = await session.call<RawEvent[]>('QueryEvents', requireEventManager(session), {
    filter: filterSpec(filter),
  });
  return raw.map(toEvent).sort((a, b) => a.key - b.key);
}

function requireEventManager(session: VimSession): MoRef {
  const ref = session.serviceContent.eventManager;
  if (!ref) throw new Error('this endpoint has no EventManager');
  return ref;
}

function entity(name: string | undefined, ref: MoRef | undefined): EventEntity | null {
  return ref ? { moref: ref.value, name: name ?? '' } : null;
}

export function toEvent(raw: RawEvent): VcenterEvent {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!BASE_FIELDS.has(key)) fields[key] = value;
  return {
    key: raw.key,
    chainId: raw.chainId,
    type: raw._type ?? 'Event',
    createdTime: raw.createdTime,
    userName: raw.userName ?? '',
    fullMessage: raw.fullFormattedMessage ?? '',
    datacenter: entity(raw.datacenter?.name, raw.datacenter?.datacenter),
    cluster: entity(raw.computeResource?.name, raw.computeResource?.computeResource),
    host: entity(raw.host?.name, raw.host?.host),
    vm: entity(raw.vm?.name, raw.vm?.vm),
    fields,
  };
}
