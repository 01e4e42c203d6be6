import type { ReadEventsOptions, VcenterEvent } from '@vcc/vsphere';
import type { ControllerClient } from '../controller/controller.client';
import type { Assignment, EventRow } from '../controller/controller.types';
import type { VcenterSession } from '../vcenter/vcenter-session';
import { EventTail } from './event-tail';

const VCENTER = { id: 'vc-id', name: 'vc1' };

function vcEvent(key: number, createdTime: Date): VcenterEvent {
  return {
    key,
    chainId: key,
    type: 'VmPoweredOnEvent',
    createdTime,
    userName: '',
    fullMessage: '',
    datacenter: null,
    cluster: null,
    host: null,
    vm: { moref: `vm-${key}`, name: `app-${key}` },
    fields: {},
  };
}

/** A tail whose vCenter holds `available` events and whose controller stored `stored` last. */
function harness(stored: { lastKey: number | null; lastTime: string | null }, available: VcenterEvent[]) {
  const reads: ReadEventsOptions[] = [];
  const posts: EventRow[][] = [];
  const controller = {
    lastEvent: jest.fn(() => Promise.resolve(stored)),
    postEvents: (_vcenter: string, rows: EventRow[]) => {
      posts.push(rows);
      return Promise.resolve();
    },
  } as unknown as ControllerClient;
  const session = {
    vsphere: () =>
      Promise.resolve({
        readEvents: (options: ReadEventsOptions) => {
          reads.push(options);
          return Promise.resolve(
            available.filter((event) => options.afterKey === undefined || event.key > options.afterKey),
          );
        },
      }),
  } as unknown as VcenterSession;
  const assignment = (groupIndices: number[]) =>
    ({ vcenter: VCENTER, groupIndices }) as unknown as Assignment;
  return { controller, session, reads, posts, assignment };
}

describe('EventTail', () => {
  it('begins streamBeginSeconds back for a vCenter with no stored event, and posts batches of 1000 in key order', async () => {
    const now = Date.now();
    const events = Array.from({ length: 2500 }, (_, i) => vcEvent(i + 1, new Date(now - 60_000)));
    const { controller, session, reads, posts, assignment } = harness(
      { lastKey: null, lastTime: null },
      events,
    );
    await new EventTail(controller, 7200).maybeTail(assignment([0]), session);

    expect(reads).toHaveLength(1);
    expect(reads[0].afterKey).toBeUndefined();
    expect(reads[0].pageSize).toBe(1000);
    const since = reads[0].since!.getTime();
    expect(since).toBeGreaterThanOrEqual(now - 7200_000);
    expect(since).toBeLessThanOrEqual(Date.now() - 7200_000);
    expect(posts.map((rows) => [rows[0].key, rows[rows.length - 1].key])).toEqual([
      [1, 1000],
      [1001, 2000],
      [2001, 2500],
    ]);
  });

  it('continues after the stored last key, from its created time less 5 minutes, and then from its own', async () => {
    const lastTime = '2026-11-20T08:00:00.000Z';
    const later = new Date('2026-11-20T09:00:00.000Z');
    const { controller, session, reads, posts, assignment } = harness({ lastKey: 41, lastTime }, [
      vcEvent(41, new Date(lastTime)),
      vcEvent(42, later),
      vcEvent(43, later),
    ]);
    const tail = new EventTail(controller, 3600);
    await tail.maybeTail(assignment([0, 3]), session);
    expect(reads[0]).toMatchObject({ afterKey: 41, since: new Date(Date.parse(lastTime) - 300_000) });
    expect(posts.flat().map((row) => row.key)).toEqual([42, 43]);

    // The next run goes on from what it posted itself, without asking the controller again.
    await tail.maybeTail(assignment([0, 3]), session);
    expect(reads[1]).toMatchObject({ afterKey: 43, since: new Date(later.getTime() - 300_000) });
    expect(controller.lastEvent).toHaveBeenCalledTimes(1);
  });

  it('reads nothing without group 0, and asks for the stored key again when it gets group 0 back', async () => {
    const { controller, session, reads, assignment } = harness(
      { lastKey: 7, lastTime: new Date().toISOString() },
      [],
    );
    const tail = new EventTail(controller, 3600);
    await tail.maybeTail(assignment([0]), session);
    await tail.maybeTail(assignment([1]), session);
    expect(reads).toHaveLength(1);
    await tail.maybeTail(assignment([0]), session);
    expect(reads).toHaveLength(2);
    expect(controller.lastEvent).toHaveBeenCalledTimes(2);
  });
});
