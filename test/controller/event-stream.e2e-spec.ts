import { get, type IncomingMessage } from 'node:http';
import type { Client } from 'pg';
import type { RunningApp } from '../support/apps';
import { cloudEventProblems, disorder, keyOf, Watcher, type CloudEvent } from '../support/event-stream';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { waitFor } from '../support/processes';
import {
  client,
  connect,
  startController,
  TOKENS,
  vcenterBody,
  type ControllerClient,
} from './controller-harness';

// The controller cuts requests and idle connections after 2 s (http.requestTimeoutSeconds) and
// writes a heartbeat on idle watches every 3 s: a watch that outlives both is not cut.
const REQUEST_TIMEOUT_SECONDS = 2;
const HEARTBEAT_SECONDS = 3;

const recent = (): string => new Date(Date.now() - 60_000).toISOString();

/** An event as a collector posts it; every fifth is an EventEx, VMs repeat every five keys. */
function event(key: number, createdTime = recent()) {
  const eventEx = key % 5 === 0;
  return {
    key,
    chainId: key,
    type: eventEx ? 'EventEx' : 'VmPoweredOffEvent',
    createdTime,
    userName: 'VSPHERE.LOCAL\\admin',
    fullMessage: `event ${key}`,
    datacenter: { moref: 'datacenter-1', name: 'dc-1' },
    cluster: { moref: 'domain-c7', name: 'cluster-1' },
    host: { moref: 'host-1', name: 'esx-1' },
    vm: { moref: `vm-${key % 5}`, name: `app-${key % 5}` },
    fields: eventEx ? { eventTypeId: 'com.vmware.vc.e2e.Tested', severity: 'info' } : { template: false },
  };
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('the event stream API', () => {
  jest.setTimeout(5 * 60_000);
  let database: TestDatabase;
  let controller: RunningApp;
  let api: ControllerClient;
  let db: Client;
  const watchers: Watcher[] = [];

  const post = async (keys: number[], vcenter = 'vc1') => {
    const reply = await api.post(
      '/api/v1/events',
      { vcenter, events: keys.map((key) => event(key)) },
      'collector',
    );
    expect(reply.status).toBe(200);
    return reply.body;
  };
  const read = (path: string) => api.get(path, 'reader');
  const watch = async (query = '') => {
    const watcher = await Watcher.open(controller.url, query, TOKENS.reader);
    watchers.push(watcher);
    expect(watcher.response.status).toBe(200);
    expect(watcher.response.headers.get('content-type')).toContain('application/x-ndjson');
    return watcher;
  };
  // Generous: the machine is shared, and every line is parsed in this process.
  const received = (watcher: Watcher, count: number, what: string) =>
    waitFor(
      what,
      async () => {
        if (watcher.events.length >= count) return true;
        throw new Error(`${watcher.events.length} received so far${watcher.ended ? ', stream ended' : ''}`);
      },
      180_000,
    );

  beforeAll(async () => {
    database = await createTestDatabase();
    controller = await startController(database.url, {
      VCC_HTTP_REQUEST_TIMEOUT_SECONDS: String(REQUEST_TIMEOUT_SECONDS),
      VCC_EVENTS_HEARTBEAT_SECONDS: String(HEARTBEAT_SECONDS),
    });
    api = client(controller.url);
    db = await connect(database.url);
    expect((await api.post('/api/v1/vcenters', vcenterBody('vc1'))).status).toBe(201);
  });

  afterAll(async () => {
    await Promise.all(watchers.map((watcher) => watcher.close()));
    await db?.end();
    if (controller) expect(await controller.stop()).toBe(0);
    await database?.drop();
  });

  it('has nothing to serve before the first event: 204 range, an empty page, 400 for any offset', async () => {
    expect((await read('/api/v1/range')).status).toBe(204);
    expect((await read('/api/v1/events')).body).toEqual({ events: [], next: null });
    const one = await read('/api/v1/events/1');
    expect(one.status).toBe(400);
    expect(one.body.fields).toEqual([
      { field: 'offset', problems: [expect.stringContaining('invalid offset')] },
    ]);
  });

  it('serves stored events as CloudEvents 1.0, one by offset or in pages with a next cursor', async () => {
    await post(range(100, 149));
    expect((await read('/api/v1/range')).body).toEqual({ earliest: 100, latest: 149 });

    const one = await read('/api/v1/events/120?vcenter=vc1');
    expect(one.status).toBe(200);
    expect(cloudEventProblems(one.body)).toEqual([]);
    expect(one.body).toEqual({
      specversion: '1.0',
      id: 'vc1:120',
      source: 'https://vc1.example.com/sdk',
      type: 'vmware.vsphere.com.vmware.vc.e2e.Tested.v0',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      datacontenttype: 'application/json',
      eventclass: 'eventex',
      data: expect.objectContaining({
        key: 120,
        chainId: 120,
        userName: 'VSPHERE.LOCAL\\admin',
        fullFormattedMessage: 'event 120',
        eventTypeId: 'com.vmware.vc.e2e.Tested',
        severity: 'info',
        vm: { name: 'app-0', vm: { type: 'VirtualMachine', value: 'vm-0' } },
        computeResource: {
          name: 'cluster-1',
          computeResource: { type: 'ComputeResource', value: 'domain-c7' },
        },
      }),
    });
    expect(one.body.time).toBe(one.body.data.createdTime);
    expect((await read('/api/v1/events/121')).body).toMatchObject({
      type: 'vmware.vsphere.VmPoweredOffEvent.v0',
      eventclass: 'event',
      data: { template: false },
    });

    // Newest first by default, each page's next is the following page's offset.
    const pages: number[][] = [];
    let next: number | null = null;
    do {
      const page = await read(`/api/v1/events?limit=20${next === null ? '' : `&offset=${next}`}`);
      expect(page.status).toBe(200);
      for (const served of page.body.events as CloudEvent[]) expect(cloudEventProblems(served)).toEqual([]);
      pages.push((page.body.events as CloudEvent[]).map(keyOf));
      next = page.body.next as number | null;
    } while (next !== null);
    expect(pages).toEqual([range(130, 149).reverse(), range(110, 129).reverse(), range(100, 109).reverse()]);
    const ascending = await read('/api/v1/events?order=asc&limit=3&offset=140');
    expect({ keys: ascending.body.events.map(keyOf), next: ascending.body.next }).toEqual({
      keys: [140, 141, 142],
      next: 143,
    });
    expect((await read('/api/v1/events')).body.events.map(keyOf)).toEqual(range(100, 149).reverse());

    // Filters: by type (vim25 class or an EventEx's eventTypeId) and by entity moref.
    const keysOf = async (query: string) =>
      (await read(`/api/v1/events?order=asc&${query}`)).body.events.map(keyOf);
    expect(await keysOf('type=com.vmware.vc.e2e.Tested')).toEqual(range(100, 149).filter((k) => k % 5 === 0));
    expect(await keysOf('type=VmPoweredOffEvent&limit=4')).toEqual([101, 102, 103, 104]);
    expect(await keysOf('entity=vm-3')).toEqual(range(100, 149).filter((k) => k % 5 === 3));
    expect(await keysOf('entity=domain-c7&type=EventEx&limit=2')).toEqual([100, 105]);
    expect(await keysOf('entity=vm-404')).toEqual([]);

    // Reader and admin roles may read; collectors and anonymous clients may not.
    expect((await api.get('/api/v1/range', 'admin')).status).toBe(200);
    expect((await api.get('/api/v1/range', 'collector')).status).toBe(403);
    expect((await api.get('/api/v1/events', null)).status).toBe(401);
    expect((await api.get('/api/v1/events?watch=true', null)).status).toBe(401);
  });

  it('refuses bad offsets, limits and parameters with a 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['/api/v1/events/99', 'offset'], // never stored (or purged)
      ['/api/v1/events/150', 'offset'], // in the future
      ['/api/v1/events/abc', 'offset'],
      ['/api/v1/events/-1', 'offset'],
      ['/api/v1/events/1.5', 'offset'],
      ['/api/v1/events/99999999999', 'offset'],
      ['/api/v1/events?offset=99', 'offset'],
      ['/api/v1/events?offset=150', 'offset'],
      ['/api/v1/events?offset=-3', 'offset'],
      ['/api/v1/events?offset=2147483648', 'offset'],
      ['/api/v1/events?offset=120&offset=121', 'offset'],
      ['/api/v1/events?limit=0', 'limit'],
      ['/api/v1/events?limit=1001', 'limit'],
      ['/api/v1/events?limit=ten', 'limit'],
      ['/api/v1/events?order=sideways', 'order'],
      ['/api/v1/events?watch=yes', 'watch'],
      ['/api/v1/events?watch=true&limit=5', 'limit'],
      ['/api/v1/events?watch=true&order=asc', 'order'],
      ['/api/v1/events?watch=true&offset=151', 'offset'], // one past the latest is where a resume starts; two is the future
      ['/api/v1/events?watch=true&offset=99', 'offset'],
      ['/api/v1/events?vcenter=nowhere', 'vcenter'],
      ['/api/v1/range?vcenter=nowhere', 'vcenter'],
      ['/api/v1/events?type=', 'type'],
      ['/api/v1/events?entity=vm%001', 'entity'],
      ['/api/v1/events?since=yesterday', 'since'],
      ['/api/v1/range?limit=5', 'limit'],
    ];
    for (const [path, field] of cases) {
      const reply = await read(path);
      expect({
        path,
        status: reply.status,
        fields: reply.body?.fields?.map((f: { field: string }) => f.field),
      }).toEqual({ path, status: 400, fields: [field] });
    }
    expect((await read('/api/v1/events/120?vcenter=nowhere')).body.message).toContain('one of vc1');
    expect((await read('/api/v1/events/99')).body.message).toContain('invalid offset');
    // A key inside the range that vCenter never gave (keys may have gaps) is not found.
    await post([152]);
    expect((await read('/api/v1/events/151')).status).toBe(404);
    expect((await read('/api/v1/events/152')).status).toBe(200);
  });

  it('keeps pages correct while events arrive', async () => {
    const start = (await read('/api/v1/range')).body as { earliest: number; latest: number };
    let inserting = true;
    let nextKey = 1000;
    const inserter = (async () => {
      while (inserting) {
        await post(range(nextKey, nextKey + 9));
        nextKey += 10;
      }
    })();
    try {
      await waitFor('events arriving', async () => (nextKey >= 1030 ? true : undefined));
      // Newest first from the latest key when paging began: exactly the keys up to it.
      const desc: number[] = [];
      let offset: number | null = start.latest;
      while (offset !== null) {
        const page = await read(`/api/v1/events?limit=7&offset=${offset}`);
        desc.push(...page.body.events.map(keyOf));
        offset = page.body.next;
      }
      expect(desc).toEqual([152, ...range(100, 149).reverse()]);
      // Oldest first from the earliest key: every key in order, including ones stored meanwhile.
      const asc: number[] = [];
      let from: number | null = start.earliest;
      while (from !== null && asc.length < 200) {
        const page = await read(`/api/v1/events?order=asc&limit=13&offset=${from}`);
        asc.push(...page.body.events.map(keyOf));
        from = page.body.next;
      }
      expect(disorder(asc)).toEqual([]);
      expect(asc.slice(0, 52)).toEqual([...range(100, 149), 152, 1000]);
      expect(asc.slice(51)).toEqual(range(1000, 1000 + asc.length - 52));
    } finally {
      inserting = false;
      await inserter;
    }
  });

  it('streams events committed after a watch opened, outlives the request timeout, and resumes from an offset', async () => {
    const watcher = await watch();
    // Idle for longer than http.requestTimeoutSeconds and two heartbeat intervals.
    await new Promise((resolve) => setTimeout(resolve, (2 * HEARTBEAT_SECONDS + 1) * 1000));
    expect(watcher.ended).toBe(false);
    expect(watcher.heartbeats).toBeGreaterThanOrEqual(2);
    expect(watcher.events).toEqual([]);

    await post(range(2000, 2004));
    await post(range(2005, 2009));
    await received(watcher, 10, 'the ten new events');
    expect(watcher.keys).toEqual(range(2000, 2009));
    for (const served of watcher.events) expect(cloudEventProblems(served)).toEqual([]);

    // A client that drops the stream resumes at the key after the last one it got.
    const first = await watch('offset=2003');
    await received(first, 7, 'events from offset 2003');
    await first.close();
    const resumeAt = first.keys[first.keys.length - 1] + 1;
    await post(range(2010, 2019));
    const second = await watch(`offset=${resumeAt}`);
    await received(second, 10, 'events after the resume point');
    expect([...first.keys, ...second.keys]).toEqual(range(2003, 2019));
    await received(watcher, 20, 'all twenty');
    expect(watcher.keys).toEqual(range(2000, 2019));

    // Filters apply to watches too.
    const vm3 = await watch('entity=vm-3&offset=2000');
    await received(vm3, 4, 'the events of vm-3');
    expect(vm3.keys).toEqual([2003, 2008, 2013, 2018]);
    await Promise.all([watcher, second, vm3].map((w) => w.close()));
  });

  it('gives each of 100 concurrent watches every event once, in key order', async () => {
    const live = await Promise.all(Array.from({ length: 100 }, () => watch()));
    const keys = range(3000, 3999);
    // Batches are posted in key order, as the event tail does; watches opened from an offset while
    // events still arrive catch up and join in.
    const late: Watcher[] = [];
    for (let at = 0; at < keys.length; at += 50) {
      await post(keys.slice(at, at + 50));
      if (at % 100 === 0) late.push(await watch('offset=3000'));
    }
    for (const [i, watcher] of [...live, ...late].entries()) {
      await received(watcher, keys.length, `watch ${i}: all ${keys.length} events`);
    }
    for (const watcher of [...live, ...late]) expect(watcher.keys).toEqual(keys);
    // All of them on the one LISTEN connection of this replica.
    const listeners = await db.query(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`,
    );
    expect(listeners.rowCount).toBe(1);
    await Promise.all([...live, ...late].map((w) => w.close()));
  });

  it('keeps streaming after the database drops its listening connection', async () => {
    const watcher = await watch();
    const terminated = await db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND query LIKE 'LISTEN %'`,
    );
    expect(terminated.rowCount).toBe(1);
    await waitFor('the listener to come back', async () =>
      (
        await db.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`,
        )
      ).rowCount
        ? true
        : undefined,
    );
    await post(range(5000, 5009));
    await received(watcher, 10, 'events after the reconnect');
    expect(watcher.keys).toEqual(range(5000, 5009));
    await watcher.close();
  });

  it('lets a client that stops reading fall behind without holding others back, then catches it up', async () => {
    const fast = await watch();
    const request = get(`${controller.url}/api/v1/events?watch=true`, {
      headers: { authorization: `Bearer ${TOKENS.reader}` },
    });
    const slow = await new Promise<IncomingMessage>((resolve, reject) =>
      request.on('response', resolve).on('error', reject),
    );
    expect(slow.statusCode).toBe(200);
    slow.pause();
    // About 11 MB of lines: more than the socket buffers hold, so the controller must stop writing.
    const keys = range(7000, 22999);
    for (let at = 0; at < keys.length; at += 1000) await post(keys.slice(at, at + 1000));
    await received(fast, keys.length, 'every event at the client that reads');
    expect(fast.keys).toEqual(keys);

    const slowKeys: number[] = [];
    let buffered = '';
    slow.setEncoding('utf8');
    slow.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const parsed = JSON.parse(line) as CloudEvent | { heartbeat: string };
        if (!('heartbeat' in parsed)) slowKeys.push(keyOf(parsed));
      }
    });
    slow.resume();
    await waitFor('every event at the client that paused', async () =>
      slowKeys.length >= keys.length ? true : undefined,
    );
    expect(slowKeys).toEqual(keys);
    request.destroy();
    await fast.close();
  });

  it('stores a key once when two batches race with different created times', async () => {
    const keys = range(6000, 6039);
    const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString();
    await Promise.all(
      keys.flatMap((key) => [
        api.post('/api/v1/events', { vcenter: 'vc1', events: [event(key, at(120))] }, 'collector'),
        api.post('/api/v1/events', { vcenter: 'vc1', events: [event(key, at(60))] }, 'collector'),
      ]),
    );
    const { rows } = await db.query<{ event_key: number; copies: number }>(
      `SELECT event_key, count(*)::int AS copies FROM vcenter_event
        WHERE event_key BETWEEN 6000 AND 6039 GROUP BY event_key ORDER BY event_key`,
    );
    expect(rows).toEqual(keys.map((key) => ({ event_key: key, copies: 1 })));
  });

  it('reflects retention in range: a dropped month takes its offsets with it', async () => {
    // An admin backfills an old month; the aggregator's retention later drops its partition.
    const old = '2025-02-14T08:00:00.000Z';
    const backfill = { vcenter: 'vc1', events: range(10, 19).map((key) => event(key, old)) };
    expect((await api.post('/api/v1/events/backfill', backfill, 'admin')).body.stored).toBe(10);
    expect((await read('/api/v1/range')).body.earliest).toBe(10);
    expect((await read('/api/v1/events/15')).status).toBe(200);
    await db.query('DROP TABLE vcenter_event_p202502');
    expect((await read('/api/v1/range')).body.earliest).toBe(100);
    const purged = await read('/api/v1/events/15');
    expect(purged.status).toBe(400);
    expect(purged.body.message).toContain('invalid offset');
  });

  it('needs vcenter= once there are two vCenters, and names them', async () => {
    expect((await api.post('/api/v1/vcenters', vcenterBody('vc2'))).status).toBe(201);
    const unnamed = await read('/api/v1/range');
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.fields).toEqual([
      { field: 'vcenter', problems: [expect.stringContaining('one of vc1, vc2')] },
    ]);
    expect((await read('/api/v1/events?watch=true')).status).toBe(400);
    expect((await read('/api/v1/range?vcenter=vc2')).status).toBe(204);
    expect((await read('/api/v1/range?vcenter=vc1')).body.latest).toBe(22999);
    await post([1, 2, 3], 'vc2');
    expect((await read('/api/v1/events?vcenter=vc2')).body.events.map((e: CloudEvent) => e.id)).toEqual([
      'vc2:3',
      'vc2:2',
      'vc2:1',
    ]);
  });
});
