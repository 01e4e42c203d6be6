import { Injectable } from '@nestjs/common';
import { ROOT_FOLDER } from '../inventory/inventory.model';
import { ObjectDirectory } from '../property-collector/object-directory.service';
import { INT, arrayOf, dataType, field, type DataType, type VimType } from '../property-collector/vim-types';
import type { CallContext, VimMethod, VimMethods } from '../sdk/vim-method';
import { dateArg, intArg, morefArg, type XmlNode } from '../soap/soap-request';
import { VimFault } from '../soap/vim-fault.error';
import { escapeXml } from '../soap/xml';
import { EventLog, type EventFilter, type Recursion, type VimEvent } from './event-log';

const EVENT: VimType = { kind: 'xml', name: 'Event' };
const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 1000;
/** What QueryEvents returns at most when the filter sets no maxCount. */
const QUERY_LIMIT = 1000;
const MAX_COLLECTORS = 32;

/** An EventHistoryCollector's state: its filter, its page size, and its place in the event log. */
export interface EventCollector {
  filter: EventFilter;
  pageSize: number;
  /** ReadNextEvents returns events with key ≥ position; ReadPreviousEvents those below it. */
  position: number;
  log: EventLog;
}

function latestPage(collector: EventCollector): VimEvent[] {
  return collector.log.before(Number.MAX_SAFE_INTEGER, collector.filter, collector.pageSize);
}

const COLLECTOR: DataType = dataType<EventCollector>('EventHistoryCollector', [
  field('latestPage', arrayOf(EVENT), latestPage),
]);

/**
 * EventManager and its session-scoped EventHistoryCollectors, over the event log the inventory
 * changes write to. A new collector reads from the oldest matching event (as after
 * RewindCollector); ReadNextEvents moves towards newer ones and sees events posted later.
 */
@Injectable()
export class EventManagerService implements VimMethods {
  readonly log = new EventLog();

  constructor(directory: ObjectDirectory) {
    const schema = dataType<undefined>('EventManager', [
      field('latestEvent', EVENT, () => this.log.latest),
      field('maxCollector', INT, () => MAX_COLLECTORS),
    ]);
    directory.register('EventManager', 'EventManager', () => ({ schema, record: undefined }));
  }

  methods(): Record<string, VimMethod> {
    return {
      QueryEvents: (args) => {
        const filterNode = args.child('filter');
        const max = intArg(filterNode?.child('maxCount'), 'filter.maxCount') ?? QUERY_LIMIT;
        return events(this.log.before(Number.MAX_SAFE_INTEGER, parseFilter(filterNode), max));
      },
      CreateCollectorForEvents: (args, call) => this.createCollector(args, call),
      ReadNextEvents: (args, call) => {
        const collector = this.collector(call);
        const found = this.log.after(collector.position, collector.filter, maxCount(args));
        if (found.length) collector.position = found[found.length - 1].key + 1;
        return events(found);
      },
      ReadPreviousEvents: (args, call) => {
        const collector = this.collector(call);
        const found = this.log.before(collector.position, collector.filter, maxCount(args));
        if (found.length) collector.position = found[found.length - 1].key;
        return events(found);
      },
      RewindCollector: (_args, call) => {
        this.collector(call).position = 0;
        return '';
      },
      ResetCollector: (_args, call) => {
        const collector = this.collector(call);
        const page = latestPage(collector);
        collector.position = page.length ? page[page.length - 1].key : (this.log.latest?.key ?? 0) + 1;
        return '';
      },
      SetCollectorPageSize: (args, call) => {
        this.collector(call).pageSize = maxCount(args);
        return '';
      },
      DestroyCollector: (_args, call) => {
        this.collector(call);
        call.session!.objects.delete(call.target.value);
        return '';
      },
    };
  }

  private createCollector(args: XmlNode, call: CallContext): string {
    const session = call.session!;
    const collectors = [...session.objects.values()].filter(
      (object) => object.type === 'EventHistoryCollector',
    );
    if (collectors.length >= MAX_COLLECTORS)
      throw new VimFault('InvalidState', 'The operation is not allowed in the current state.');
    const collector: EventCollector = {
      filter: parseFilter(args.child('filter')),
      pageSize: DEFAULT_PAGE_SIZE,
      position: 0,
      log: this.log,
    };
    const moref = session.newObjectMoref();
    session.objects.set(moref, { type: 'EventHistoryCollector', schema: COLLECTOR, record: collector });
    return `<returnval type="EventHistoryCollector">${escapeXml(moref)}</returnval>`;
  }

  private collector(call: CallContext): EventCollector {
    const object = call.session!.objects.get(call.target.value);
    if (object?.type !== 'EventHistoryCollector') throw VimFault.managedObjectNotFound(call.target);
    return object.record as EventCollector;
  }
}

function events(found: VimEvent[]): string {
  let xml = '';
  for (const event of found) xml += `<returnval xsi:type="${event.type}">${event.xml}</returnval>`;
  return xml;
}

function maxCount(args: XmlNode): number {
  const count = intArg(args.child('maxCount'), 'maxCount');
  if (count === undefined || count < 1 || count > MAX_PAGE_SIZE) throw VimFault.invalidArgument('maxCount');
  return count;
}

function parseFilter(node: XmlNode | undefined): EventFilter {
  if (!node) return {};
  const entityNode = node.child('entity');
  const recursion = (entityNode?.value('recursion') ?? 'all') as Recursion;
  if (!['self', 'children', 'all'].includes(recursion))
    throw VimFault.invalidArgument('filter.entity.recursion');
  const entity = entityNode ? morefArg(entityNode.child('entity'), 'filter.entity.entity').value : undefined;
  const time = node.child('time');
  const begin = dateArg(time?.child('beginTime'), 'filter.time.beginTime');
  const end = dateArg(time?.child('endTime'), 'filter.time.endTime');
  const userNames = node
    .child('userName')
    ?.all('userList')
    .map((user) => user.text);
  return {
    // The root folder with recursion all is every event: no entity filter needed.
    entity: entity && !(entity === ROOT_FOLDER && recursion === 'all') ? { entity, recursion } : undefined,
    beginTime: begin === undefined ? undefined : begin * 1000,
    endTime: end === undefined ? undefined : end * 1000,
    eventTypeId: node.all('eventTypeId').map((id) => id.text),
    userName: userNames?.length ? userNames : undefined,
  };
}
