import { EventLog, eventMatches, type EventFilter, type VimEvent } from './event-log';

function event(key: number, type: string, createdTime: number): VimEvent {
  return {
    key,
    type,
    xml: '',
    vm: `vm-${key}`,
    createdTime,
    userName: 'VSPHERE.LOCAL\\Administrator',
    entities: [`vm-${key}`, 'host-9', 'domain-c5', 'datacenter-2'],
    parents: ['group-v7', 'host-9', 'resgroup-6'],
    ancestors: [
      'group-v7',
      'group-v3',
      'datacenter-2',
      'group-d1',
      'resgroup-6',
      'resgroup-4',
      'domain-c5',
      'host-9',
    ],
  };
}

describe('eventMatches', () => {
  const e = event(1, 'VmPoweredOnEvent', 1000);

  it('filters by time, inclusive at both ends', () => {
    expect(eventMatches(e, { beginTime: 1000, endTime: 1000 })).toBe(true);
    expect(eventMatches(e, { beginTime: 1001 })).toBe(false);
    expect(eventMatches(e, { endTime: 999 })).toBe(false);
  });

  it('filters by event type, base types included', () => {
    expect(eventMatches(e, { eventTypeId: ['VmPoweredOnEvent'] })).toBe(true);
    expect(eventMatches(e, { eventTypeId: ['VmEvent'] })).toBe(true);
    expect(eventMatches(e, { eventTypeId: ['VmRemovedEvent'] })).toBe(false);
  });

  it('filters by entity with vCenter recursion: self, children (direct), all (descendants)', () => {
    const by = (entity: string, recursion: 'self' | 'children' | 'all'): EventFilter => ({
      entity: { entity, recursion },
    });
    expect(eventMatches(e, by('host-9', 'self'))).toBe(true);
    expect(eventMatches(e, by('group-v7', 'self'))).toBe(false);
    expect(eventMatches(e, by('group-v7', 'children'))).toBe(true);
    expect(eventMatches(e, by('group-v3', 'children'))).toBe(false);
    expect(eventMatches(e, by('group-v3', 'all'))).toBe(true);
    expect(eventMatches(e, by('datacenter-9', 'all'))).toBe(false);
  });
});

describe('EventLog', () => {
  const log = new EventLog(5);
  for (let i = 0; i < 7; i++)
    log.append(event(log.nextKey(), i % 2 ? 'VmPoweredOffEvent' : 'VmPoweredOnEvent', i));

  it('keeps the newest events up to its capacity', () => {
    expect(log.after(0, {}, 100).map((e) => e.key)).toEqual([3, 4, 5, 6, 7]);
    expect(log.latest?.key).toBe(7);
  });

  it('reads forward from a key (oldest first) and backward before a key (newest first)', () => {
    expect(log.after(5, {}, 2).map((e) => e.key)).toEqual([5, 6]);
    expect(log.before(6, {}, 2).map((e) => e.key)).toEqual([5, 4]);
    expect(
      log.before(Number.MAX_SAFE_INTEGER, { eventTypeId: ['VmPoweredOffEvent'] }, 10).map((e) => e.key),
    ).toEqual([6, 4]);
  });
});
