import { Injectable } from '@nestjs/common';
import type { VcenterEntity } from '@vcc/database';
import { badRequest, notFound } from '../common/field.error';
import { VcenterRepository } from '../vcenters/vcenter.repository';
import { eventTypeName, toCloudEvent, type CloudEvent, type StoredEvent } from './cloud-event';
import {
  DEFAULT_PAGE_SIZE,
  type EventPageView,
  type EventsQueryDto,
  type RangeView,
} from './event-stream.dto';
import { EventStreamRepository, type EventFilter, type KeyRange } from './event-stream.repository';

/** A validated watch request: the vCenter, the key it continues after, and its filter. */
export interface WatchRequest {
  vcenter: VcenterEntity;
  afterKey: number;
  keep: (event: StoredEvent) => boolean;
}

/** Names in a 400 that lists a deployment's vCenters. */
const MAX_CHOICES = 20;

/**
 * The event stream, read side: offsets are vCenter event keys, which only grow; what retention
 * dropped is gone from `range` and refused as an offset.
 */
@Injectable()
export class EventStreamService {
  constructor(
    private readonly vcenters: VcenterRepository,
    private readonly events: EventStreamRepository,
  ) {}

  /** The vCenter a request names, or the only one there is. */
  async vcenter(reference: string | undefined): Promise<VcenterEntity> {
    const found = reference === undefined ? null : await this.vcenters.findByIdOrName(reference);
    if (found) return found;
    const all = await this.vcenters.list();
    if (reference === undefined && all.length === 1) return all[0];
    const names = all.map((vcenter) => vcenter.name);
    const choices =
      names.length === 0
        ? 'there is no vCenter in the catalogue'
        : `one of ${names.slice(0, MAX_CHOICES).join(', ')}${names.length > MAX_CHOICES ? ', …' : ''}`;
    throw badRequest(
      'vcenter',
      reference === undefined
        ? `vcenter is required when there is not exactly one vCenter: ${choices}`
        : `no vCenter with id or name ${reference}: ${choices}`,
    );
  }

  async range(reference: string | undefined): Promise<RangeView | null> {
    return this.events.range((await this.vcenter(reference)).id);
  }

  async one(reference: string | undefined, offset: number): Promise<CloudEvent> {
    const vcenter = await this.vcenter(reference);
    assertOffset(offset, await this.events.range(vcenter.id), 0);
    const event = await this.events.one(vcenter.id, offset);
    if (!event) throw notFound('offset', `vCenter ${vcenter.name} has no event with key ${offset}`);
    return toCloudEvent(vcenter, event);
  }

  async page(query: EventsQueryDto): Promise<EventPageView> {
    const vcenter = await this.vcenter(query.vcenter);
    const range = await this.events.range(vcenter.id);
    const order = query.order ?? 'desc';
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (query.offset !== undefined) assertOffset(query.offset, range, 0);
    if (!range) return { events: [], next: null };
    const from = query.offset ?? (order === 'desc' ? range.latest : range.earliest);
    // One more than the page: its key is the next page's offset, which later inserts cannot move.
    const events = await this.events.page(vcenter.id, from, order, limit + 1, filterOf(query));
    return {
      events: events.slice(0, limit).map((event) => toCloudEvent(vcenter, event)),
      next: events.length > limit ? events[limit].key : null,
    };
  }

  /**
   * Checks a watch request. A client resuming after the last key it got asks for that key + 1,
   * which may be one past the latest stored key.
   */
  async watch(query: EventsQueryDto): Promise<WatchRequest> {
    for (const field of ['limit', 'order'] as const)
      if (query[field] !== undefined) throw badRequest(field, `${field} applies to pages, not to a watch`);
    const vcenter = await this.vcenter(query.vcenter);
    const range = await this.events.range(vcenter.id);
    let afterKey = range?.latest ?? -1;
    if (query.offset !== undefined) {
      assertOffset(query.offset, range, 1);
      afterKey = query.offset - 1;
    }
    const filter = filterOf(query);
    return {
      vcenter,
      afterKey,
      keep: (event) =>
        (filter.type === undefined || event.type === filter.type || eventTypeName(event) === filter.type) &&
        (filter.entity === undefined ||
          [event.vmMoref, event.hostMoref, event.clusterMoref, event.datacenterMoref].includes(
            filter.entity,
          )),
    };
  }
}

function filterOf(query: EventsQueryDto): EventFilter {
  return { type: query.type, entity: query.entity };
}

/** An offset must be stored still and not in the future (up to `pastLatest` beyond the latest key). */
function assertOffset(offset: number, range: KeyRange | null, pastLatest: number): void {
  if (!range) throw badRequest('offset', `invalid offset ${offset}: no events are stored yet`);
  if (offset < range.earliest)
    throw badRequest(
      'offset',
      `invalid offset ${offset}: purged or never stored; the earliest stored key is ${range.earliest}`,
    );
  if (offset > range.latest + pastLatest)
    throw badRequest(
      'offset',
      `invalid offset ${offset}: in the future; the latest stored key is ${range.latest}`,
    );
}
