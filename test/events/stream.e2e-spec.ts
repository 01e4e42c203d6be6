import type { Client } from 'pg';
import { TIME_SCALE } from '../collector/cluster';
import {
  client,
  connect,
  controllerEnv,
  TOKENS,
  type ControllerClient,
} from '../controller/controller-harness';
import { admin, startSimulator } from '../simulator/simulator';
import { startApp, type RunningApp } from '../support/apps';
import { cloudEventProblems, disorder, keyOf, Watcher, type CloudEvent } from '../support/event-stream';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { waitFor } from '../support/processes';

// Time scale: the collector tests' (VCC_TEST_TIME_SCALE 10: 2 s realtime cycles, at whose
// boundaries the holder of group 0 tails the events). Membership: 2 s heartbeats, 6 s leases.
const SCALE_ENV = { VCC_TEST_TIME_SCALE: String(TIME_SCALE) };

interface Posted {
  key: number;
  type: string;
  vm: string;
}

describe('vCenter events from the simulator to the stream, across a group-0 handover and a controller restart', () => {
  jest.setTimeout(8 * 60_000);
  let database: TestDatabase;
  let simulator: RunningApp;
  let controller: RunningApp;
  let controllerPort: string;
  let controllerSettings: Record<string, string>;
  let api: ControllerClient;
  let db: Client;
  const collectors = new Map<string, RunningApp>();
  const posted: Posted[] = [];

  /** Inventory changes on the simulated vCenter; every one posts one or more events. */
  const change = async (count: number): Promise<void> => {
    const answer = await admin(simulator, 'POST', 'inventory-changes', { count });
    expect(answer.status).toBe(200);
    posted.push(...(JSON.parse(answer.body) as { events: Posted[] }).events);
  };
  const latestStored = async (): Promise<number | undefined> => {
    const reply = await api.get('/api/v1/range', 'reader');
    return reply.status === 200 ? (reply.body as { latest: number }).latest : undefined;
  };
  const allPosted = (what: string) =>
    waitFor(
      what,
      async () => ((await latestStored()) ?? -1) >= posted[posted.length - 1].key || undefined,
      90_000,
    );
  const startController = async (): Promise<RunningApp> => {
    controller = await startApp('controller', {
      env: { ...controllerSettings, VCC_HTTP_PORT: controllerPort },
    });
    return controller;
  };
  const startCollector = async (name: string): Promise<void> => {
    collectors.set(
      name,
      await startApp('collector', {
        env: {
          ...SCALE_ENV,
          VCC_CONTROLLER_URL: controller.url,
          VCC_CONTROLLER_TOKEN: TOKENS.collector,
          VCC_MEMBER_NAME: name,
          VCC_PERF_THREADS: '1',
          VCC_SINKS: JSON.stringify([{ type: 'prometheus' }]),
        },
      }),
    );
  };
  const groupZeroHolder = async (): Promise<string | undefined> =>
    (
      await db.query<{ name: string }>(
        `SELECT name FROM collector WHERE state = 'active' AND 0 = ANY(group_indices)`,
      )
    ).rows[0]?.name;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await connect(database.url);
    simulator = await startSimulator({
      ...SCALE_ENV,
      VCC_HTTP_TLS_SELF_SIGNED: 'true',
      VCC_INVENTORY_CLUSTERS_PER_DATACENTER: '1',
      VCC_INVENTORY_HOSTS_PER_CLUSTER: '2',
      VCC_INVENTORY_VMS_PER_HOST: '6',
    });
    controllerSettings = controllerEnv(database.url, {
      ...SCALE_ENV,
      VCC_VCENTERS: JSON.stringify([
        {
          name: 'e2e',
          sdkUrl: `${simulator.url}/sdk`,
          username: 'user',
          password: 'pass',
          tls: { insecure: true },
          realtimeIntervalSeconds: 20 / TIME_SCALE,
        },
      ]),
    });
    controllerPort = '0';
    await startController();
    controllerPort = new URL(controller.url).port;
    api = client(controller.url);
  });

  afterAll(async () => {
    await Promise.allSettled([...collectors.values()].map((app) => app.stop()));
    await controller?.stop();
    await simulator?.stop();
    await db?.end();
    await database?.drop();
  });

  it('serves every event in key order, with no gap and nothing twice', async () => {
    // History from before any collector ran: the first tail reads events.streamBeginSeconds back.
    await change(5);
    await startCollector('c1');
    await startCollector('c2');
    const first = await waitFor('the first events stored', async () => {
      const reply = await api.get('/api/v1/range', 'reader');
      return reply.status === 200 ? (reply.body as { earliest: number }) : undefined;
    });
    expect(first.earliest).toBeLessThanOrEqual(posted[0].key);
    const watch = await Watcher.open(controller.url, `offset=${first.earliest}`, TOKENS.reader);
    await allPosted('the history stored');

    // The holder of group 0 dies mid-tail; the other collector takes group 0 over when its lease
    // expires and continues from the last stored key.
    const holder = (await waitFor('a holder of group 0', groupZeroHolder))!;
    await change(10);
    const storedAtKill = (await latestStored())!;
    const victim = collectors.get(holder)!;
    victim.process.child.kill('SIGKILL');
    await victim.process.exited;
    collectors.delete(holder);
    await change(10);
    const survivor = [...collectors.keys()][0];
    await waitFor(
      'group 0 handed over',
      async () => ((await groupZeroHolder()) === survivor ? true : undefined),
      60_000,
    );
    await allPosted('the events around the handover stored');

    // The controller restarts: the watch ends with it, events posted meanwhile wait in vCenter
    // until the collector reaches the controller again, and the client resumes after its last key.
    await change(5);
    await allPosted('the events before the restart stored');
    await waitFor('the watch to have them', async () =>
      watch.keys[watch.keys.length - 1] === posted[posted.length - 1].key ? true : undefined,
    );
    expect(await controller.stop()).toBe(0);
    await watch.finished();
    await change(10);
    await startController();
    const resumed = await Watcher.open(
      controller.url,
      `offset=${watch.keys[watch.keys.length - 1] + 1}`,
      TOKENS.reader,
    );
    await change(10);
    await allPosted('the events around the restart stored');
    const latest = (await latestStored())!;
    await waitFor('the resumed watch to have them', async () =>
      resumed.keys[resumed.keys.length - 1] === latest ? true : undefined,
    );
    await resumed.close();

    // Everything stored, read in pages oldest first.
    const stored: CloudEvent[] = [];
    let offset: number | null = first.earliest;
    while (offset !== null) {
      const page = await api.get(`/api/v1/events?order=asc&limit=1000&offset=${offset}`, 'reader');
      stored.push(...(page.body.events as CloudEvent[]));
      offset = page.body.next as number | null;
    }
    const keys = stored.map(keyOf);
    // The simulator numbers its events one by one, so any gap would show.
    expect(keys).toEqual(Array.from({ length: keys.length }, (_, i) => first.earliest + i));
    expect(keys).toEqual(expect.arrayContaining(posted.map((event) => event.key)));
    expect(
      stored.filter((event) => posted.some((p) => p.key === keyOf(event))).map((event) => event.type),
    ).toEqual(posted.map((event) => `vmware.vsphere.${event.type}.v0`));
    for (const event of stored) expect(cloudEventProblems(event)).toEqual([]);
    expect(stored[0].source).toBe(`${simulator.url}/sdk`);

    // The two watches together: every key once, in order.
    expect(disorder([...watch.keys, ...resumed.keys])).toEqual([]);
    expect([...watch.keys, ...resumed.keys]).toEqual(keys);

    // The survivor took the tail over from the key the controller had stored.
    const resumedAfter = collectors
      .get(survivor)!
      .logs()
      .map((line) => /^tailing e2e events after key (\d+)/.exec(String(line.message))?.[1])
      .filter((key) => key !== undefined)
      .map(Number);
    expect(resumedAfter.some((key) => key >= storedAtKill)).toBe(true);
  });
});
