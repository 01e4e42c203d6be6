import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { startApp, type RunningApp } from '../support/apps';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { waitFor } from '../support/processes';
import {
  TOKENS,
  client,
  connect,
  databaseState,
  epochs,
  startController,
  vcenterBody,
  type ControllerClient,
} from './controller-harness';

// Heartbeat every 2 s, lease 6 s (3 missed), reaper every second.
const LEASE_MS = 6_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('collector names held by one instance, and placement on re-registration', () => {
  let database: TestDatabase;
  let controller: RunningApp;
  let api: ControllerClient;
  let db: Client;
  const collectors: RunningApp[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    controller = await startController(database.url);
    api = client(controller.url);
    db = await connect(database.url);
    // Nothing listens there: the collectors' cycles fail fast, membership is what is under test.
    const created = await api.post(
      '/api/v1/vcenters',
      vcenterBody('vc-dup', { sdkUrl: 'https://127.0.0.1:1/sdk', realtimeIntervalSeconds: 20 }),
    );
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    for (const collector of collectors) await collector.stop();
    await db?.end();
    if (controller) expect(await controller.stop()).toBe(0);
    await database?.drop();
  });

  function startCollector(name: string): Promise<RunningApp> {
    return startApp('collector', {
      env: {
        VCC_CONTROLLER_URL: controller.url,
        VCC_CONTROLLER_TOKEN: TOKENS.collector,
        VCC_MEMBER_NAME: name,
        VCC_PERF_THREADS: '1',
        VCC_SINKS: '[]',
      },
    }).then((app) => (collectors.push(app), app));
  }

  async function live(name: string) {
    const { rows } = await db.query<{ id: string; instance_id: string }>(
      `SELECT id, instance_id FROM collector WHERE name = $1 AND state <> 'gone'`,
      [name],
    );
    return rows;
  }

  const register = (name: string, instanceId?: string, extra: Record<string, unknown> = {}) =>
    api.post('/api/v1/collectors/register', { name, version: '1', instanceId, ...extra }, 'collector');

  it('refuses a second collector process under a live name with 409, and the epoch does not climb', async () => {
    const first = await startCollector('twin');
    const [holder] = await waitFor('the first twin to register', async () => {
      const rows = await live('twin');
      return rows.length ? rows : undefined;
    });
    const epoch = (await epochs(db))['vc-dup'];

    const second = await startCollector('twin');
    const refusal = await waitFor('the second twin to be refused', async () =>
      second.logs().find((line) => String(line.message).includes('refused the name twin')),
    );
    expect(String(refusal.message)).toContain(`held by collector ${holder.id}`);
    expect(String(refusal.message)).toContain('HTTP 409');
    const health = await fetch(`${second.url}/health`);
    expect(health.status).toBe(503);
    expect(
      ((await health.json()) as { checks: { collector: { error: string } } }).checks.collector.error,
    ).toContain('refused the name twin');

    // Longer than a lease: the holder keeps its name, nobody is replaced, the epoch stays.
    await sleep(LEASE_MS + 2_000);
    expect(await live('twin')).toEqual([holder]);
    expect((await epochs(db))['vc-dup']).toBe(epoch);
    expect(first.logs().filter((line) => String(line.message).includes('registering again'))).toEqual([]);
    expect(await first.stop()).toBe(0);
    expect(await second.stop()).toBe(0);
  });

  it('names the holder in the 409, lets the same instance register again, and frees the name when the lease expires', async () => {
    const mine = randomUUID();
    const held = await register('solo', mine);
    expect(held.status).toBe(201);
    const before = await databaseState(db);
    for (const other of [randomUUID(), undefined]) {
      const refused = await register('solo', other);
      expect(refused.status).toBe(409);
      expect(refused.body.fields).toEqual([
        { field: 'name', problems: [expect.stringContaining(`held by collector ${held.body.collectorId}`)] },
      ]);
    }
    expect(await databaseState(db)).toEqual(before);

    // The holder itself may register again (it lost its id): it takes over in one bump.
    const epoch = (await epochs(db))['vc-dup'];
    const again = await register('solo', mine);
    expect(again.status).toBe(201);
    expect(again.body.assignment.groupIndices).toEqual(held.body.assignment.groupIndices);
    expect((await epochs(db))['vc-dup']).toBe(epoch + 1);

    // No heartbeats: once the lease has run out another instance may have the name.
    const { leaseExpiresAt } = (await api.get(`/api/v1/collectors/${again.body.collectorId}`)).body;
    await sleep(Math.max(0, Date.parse(leaseExpiresAt) - Date.now()) + 200);
    const newcomer = randomUUID();
    const taken = await register('solo', newcomer);
    expect(taken.status).toBe(201);
    expect(await live('solo')).toEqual([{ id: taken.body.collectorId, instance_id: newcomer }]);
  });

  it('places a collector whose lease expired back on the vCenter it served, not on an empty one', async () => {
    for (const name of ['vc-empty', 'vc-home']) {
      expect((await api.post('/api/v1/vcenters', vcenterBody(name))).status).toBe(201);
    }
    const instanceId = randomUUID();
    const first = await register('wanderer', instanceId, { preferredVcenter: 'vc-home' });
    expect(first.body.assignment.vcenter.name).toBe('vc-home');
    await waitFor(
      'the lease to expire',
      async () => ((await live('wanderer')).length === 0 ? true : undefined),
      LEASE_MS + 10_000,
    );
    const back = await register('wanderer', instanceId);
    expect(back.status).toBe(201);
    expect(back.body.assignment.vcenter.name).toBe('vc-home');
  });
});

describe('registration rate limit per token and address, after validation', () => {
  let database: TestDatabase;
  let controller: RunningApp;
  const secondToken = 'collector-token-rack-2-0123456789abcdef0';

  beforeAll(async () => {
    database = await createTestDatabase();
    controller = await startController(database.url, {
      VCC_MEMBERSHIP_REGISTER_LIMIT_PER_MINUTE: '3',
      VCC_AUTH_TOKENS: JSON.stringify([
        { name: 'rack-1', role: 'collector', token: TOKENS.collector },
        { name: 'rack-2', role: 'collector', token: secondToken },
      ]),
    });
  });

  afterAll(async () => {
    if (controller) expect(await controller.stop()).toBe(0);
    await database?.drop();
  });

  it('does not count invalid registrations, and gives each token its own budget from one address', async () => {
    const api = client(controller.url);
    const register = (name: string, token: string = TOKENS.collector) =>
      api.call('POST', '/api/v1/collectors/register', { token, body: { name, version: '1' } });
    for (let i = 0; i < 5; i++) expect((await register('has space')).status).toBe(400);
    for (let i = 0; i < 3; i++) expect((await register(`r${i}`)).status).toBe(201);
    const limited = await register('r3');
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another collector token behind the same address has its own budget.
    expect((await register('r4', secondToken)).status).toBe(201);
  });
});
