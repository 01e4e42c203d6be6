import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { Client } from 'pg';
import type { RunningApp } from '../support/apps';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import {
  TOKENS,
  client,
  connect,
  databaseState,
  startController,
  vcenterBody,
  type ControllerClient,
  type Json,
  type Reply,
  type Role,
} from './controller-harness';

const INGEST_LIMIT = 4 * 1024 * 1024;
const HOUR = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();

function vm(moref: string): Record<string, unknown> {
  return {
    moref,
    name: `vm ${moref}`,
    uuid: null,
    instanceUuid: null,
    powerState: 'poweredOn',
    template: false,
    vcpus: 2,
    memoryMb: 4096,
    provisionedDiskGb: 40,
    hostMoref: null,
    hostName: null,
    clusterName: null,
    datacenterName: null,
    resourcePoolName: null,
    folderPath: '',
    createdAt: null,
    guestOs: null,
  };
}

/**
 * Sends a large body the way a well-behaved client can learn of a 413: Fastify rejects on the
 * Content-Length header alone and closes the connection, so the headers go first and the body
 * only if no answer came (fetch would report the closed connection as a failed write instead).
 */
function sendLarge(method: string, url: string, token: string, body: unknown): Promise<Reply> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolvePromise, reject) => {
    const request = httpRequest(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': payload.length,
      },
    });
    const sendBody = setTimeout(() => request.end(payload), 2000);
    request.on('response', (response) => {
      clearTimeout(sendBody);
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        request.destroy();
        resolvePromise({
          status: response.statusCode ?? 0,
          body: JSON.parse(text) as Json,
          headers: new Headers(response.headers as Record<string, string>),
          text,
        });
      });
    });
    request.on('error', reject);
    request.flushHeaders();
  });
}

/** A JSON body of about `bytes` bytes that is otherwise a valid request body. */
function padded(body: Record<string, unknown>, bytes: number): Record<string, unknown> {
  return { ...body, padding: 'x'.repeat(bytes) };
}

describe('controller API input, authentication and roles', () => {
  let database: TestDatabase;
  let controller: RunningApp;
  let api: ControllerClient;
  let db: Client;
  let vcenterId: string;
  let collectorId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    controller = await startController(database.url, {
      VCC_INGEST_BODY_LIMIT_BYTES: String(INGEST_LIMIT),
      VCC_MEMBERSHIP_HEARTBEAT_INTERVAL_SECONDS: '60',
    });
    api = client(controller.url);
    db = await connect(database.url);
    vcenterId = (await api.post('/api/v1/vcenters', vcenterBody('vc-input'))).body.id;
    collectorId = (
      await api.post('/api/v1/collectors/register', { name: 'c-input', version: '1' }, 'collector')
    ).body.collectorId;
  });

  afterAll(async () => {
    await db?.end();
    if (controller) expect(await controller.stop()).toBe(0);
    await database?.drop();
  });

  /** Sends a request and checks the status, the fields named, and that the database did not change. */
  async function rejects(status: number, fields: string[], send: () => Promise<Reply>): Promise<Reply> {
    const before = await databaseState(db);
    const reply = await send();
    expect({ status: reply.status, body: reply.body }).toMatchObject({ status });
    if (fields.length) {
      const named = (reply.body.fields as { field: string }[]).map((f) => f.field);
      expect(named).toEqual(expect.arrayContaining(fields));
      expect(reply.body.message).toEqual(expect.any(String));
    }
    expect(await databaseState(db)).toEqual(before);
    return reply;
  }

  // `:vcenter` and `:collector` stand for the ids created in beforeAll.
  const routes: { method: string; path: string; roles: Role[]; body?: () => unknown }[] = [
    { method: 'POST', path: '/api/v1/vcenters', roles: ['admin'], body: () => vcenterBody('vc-new') },
    { method: 'GET', path: '/api/v1/vcenters', roles: ['admin', 'reader'] },
    { method: 'GET', path: '/api/v1/vcenters/:vcenter', roles: ['admin', 'reader'] },
    {
      method: 'PATCH',
      path: '/api/v1/vcenters/:vcenter',
      roles: ['admin'],
      body: () => ({ enabled: false }),
    },
    { method: 'DELETE', path: '/api/v1/vcenters/:vcenter', roles: ['admin'] },
    {
      method: 'POST',
      path: '/api/v1/collectors/register',
      roles: ['collector'],
      body: () => ({ name: 'c-other', version: '1' }),
    },
    {
      method: 'POST',
      path: '/api/v1/collectors/:collector/heartbeat',
      roles: ['collector'],
      body: () => ({}),
    },
    { method: 'DELETE', path: '/api/v1/collectors/:collector', roles: ['collector', 'admin'] },
    { method: 'GET', path: '/api/v1/collectors', roles: ['admin', 'reader'] },
    { method: 'GET', path: '/api/v1/collectors/:collector', roles: ['admin', 'reader'] },
    { method: 'GET', path: '/api/v1/vcenters/:vcenter/groups', roles: ['admin', 'reader'] },
    {
      method: 'PUT',
      path: '/api/v1/vcenters/:vcenter/groups/order',
      roles: ['admin'],
      body: () => ({ collectorIds: [collectorId] }),
    },
    { method: 'POST', path: '/api/v1/vcenters/:vcenter/pause', roles: ['admin'] },
    { method: 'POST', path: '/api/v1/vcenters/:vcenter/resume', roles: ['admin'] },
    {
      method: 'POST',
      path: '/api/v1/collectors/:collector/move',
      roles: ['admin'],
      body: () => ({ vcenter: 'vc-input' }),
    },
    { method: 'POST', path: '/api/v1/collectors/:collector/drain', roles: ['admin'] },
    {
      method: 'PUT',
      path: '/api/v1/collectors/:collector/weight',
      roles: ['admin'],
      body: () => ({ weight: 2 }),
    },
    {
      method: 'POST',
      path: '/api/v1/inventory/snapshots',
      roles: ['collector'],
      body: () => ({
        vcenter: 'vc-input',
        snapshotTime: HOUR,
        epoch: 1,
        groupIndex: 0,
        groupCount: 1,
        vms: [],
        hosts: [],
      }),
    },
    { method: 'GET', path: '/api/v1/inventory/snapshots', roles: ['admin', 'reader'] },
    {
      method: 'POST',
      path: '/api/v1/events',
      roles: ['collector'],
      body: () => ({ vcenter: 'vc-input', events: [] }),
    },
    {
      method: 'GET',
      path: '/api/v1/vcenters/:vcenter/events/last-key',
      roles: ['collector', 'admin', 'reader'],
    },
    { method: 'GET', path: '/api/v1/cluster/status', roles: ['admin', 'reader'] },
  ];

  const resolve = (path: string, id?: string): string =>
    path.replace(':vcenter', id ?? vcenterId).replace(':collector', id ?? collectorId);

  describe.each(routes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s',
    (_name, route) => {
      it('answers 401 without a token or with an unknown one, and 403 for the other roles, writing nothing', async () => {
        const body = route.body?.();
        const path = resolve(route.path);
        const missing = await rejects(401, [], () => api.call(route.method, path, { role: null, body }));
        expect(missing.headers.get('www-authenticate')).toBe('Bearer');
        expect(missing.body.message).toContain('Authorization');
        await rejects(401, [], () =>
          api.call(route.method, path, { token: `${TOKENS.admin.slice(0, -1)}x`, body }),
        );
        for (const role of (['admin', 'collector', 'reader'] as Role[]).filter(
          (r) => !route.roles.includes(r),
        )) {
          const denied = await rejects(403, [], () => api.call(route.method, path, { role, body }));
          expect(denied.body.message).toContain(`the ${role} role may not`);
        }
      });

      if (route.path.includes(':')) {
        it('answers 400 naming id for a malformed id and 404 naming id for an unknown one, writing nothing', async () => {
          const [role] = route.roles;
          const body = route.body?.();
          await rejects(400, ['id'], () =>
            api.call(route.method, resolve(route.path, 'not-a-uuid'), { role, body }),
          );
          await rejects(404, ['id'], () =>
            api.call(route.method, resolve(route.path, randomUUID()), { role, body }),
          );
        });
      }

      if (route.body) {
        it('answers 400 for an unknown field or broken JSON and 413 for a body over the limit, writing nothing', async () => {
          const [role] = route.roles;
          const body = route.body!() as Record<string, unknown>;
          const path = resolve(route.path);
          await rejects(400, ['unexpected'], () =>
            api.call(route.method, path, { role, body: { ...body, unexpected: 1 } }),
          );
          await rejects(400, [], () => api.call(route.method, path, { role, raw: '{"name": ' }));
          const limit = /inventory|events/.test(path) ? INGEST_LIMIT : 1_048_576;
          const tooLarge = await rejects(413, [], () =>
            sendLarge(route.method, `${controller.url}${path}`, TOKENS[role], padded(body, limit + 1)),
          );
          expect(tooLarge.body.message).toMatch(/too large/i);
        });
      }
    },
  );

  it('rejects wrong types and out-of-range values in the catalogue, naming each field', async () => {
    await rejects(
      400,
      ['name', 'realtimeIntervalSeconds', 'tls.insecure', 'counters.vm', 'requestBudget'],
      () =>
        api.post(
          '/api/v1/vcenters',
          vcenterBody('x', {
            name: 5,
            realtimeIntervalSeconds: '60',
            tls: { insecure: 'yes' },
            counters: { vm: ['cpu usage'] },
            requestBudget: 0,
          }),
        ),
    );
    await rejects(400, ['realtimeIntervalSeconds', 'historicalIntervalSeconds'], () =>
      api.post(
        '/api/v1/vcenters',
        vcenterBody('vc-x', { realtimeIntervalSeconds: 30, historicalIntervalSeconds: 600.5 }),
      ),
    );
    await rejects(400, ['password', 'sdkUrl'], () =>
      api.post('/api/v1/vcenters', { name: 'vc-x', sdkUrl: 'vc.example.com', username: 'u' }),
    );
    await rejects(400, ['filters.exclude', 'counters.extra'], () =>
      api.post(
        '/api/v1/vcenters',
        vcenterBody('vc-x', { filters: { exclude: 'a' }, counters: { extra: [] } }),
      ),
    );
    await rejects(409, ['name'], () => api.post('/api/v1/vcenters', vcenterBody('vc-input')));
    await rejects(400, ['enabled', 'password'], () =>
      api.patch(`/api/v1/vcenters/${vcenterId}`, { enabled: 'no', password: '' }),
    );
  });

  it('rejects bad registrations, heartbeats and rebalancing requests, naming each field', async () => {
    await rejects(400, ['name', 'capacity', 'version'], () =>
      api.post('/api/v1/collectors/register', { name: 'has space', capacity: '2' }, 'collector'),
    );
    await rejects(400, ['capacity'], () =>
      api.post('/api/v1/collectors/register', { name: 'c9', version: '1', capacity: 65 }, 'collector'),
    );
    await rejects(404, ['preferredVcenter'], () =>
      api.post(
        '/api/v1/collectors/register',
        { name: 'c9', version: '1', preferredVcenter: 'nowhere' },
        'collector',
      ),
    );
    await rejects(400, ['stats.entitiesAssigned', 'stats.cycleStart', 'stats.extra', 'stats.errors'], () =>
      api.post(
        `/api/v1/collectors/${collectorId}/heartbeat`,
        {
          stats: {
            cycleStart: 'yesterday',
            entitiesAssigned: -1,
            entitiesCollected: 1,
            points: 1,
            durationMs: 1,
            extra: 1,
          },
        },
        'collector',
      ),
    );
    await rejects(400, ['weight'], () =>
      api.put(`/api/v1/collectors/${collectorId}/weight`, { weight: '2' }),
    );
    await rejects(400, ['weight'], () => api.put(`/api/v1/collectors/${collectorId}/weight`, { weight: 0 }));
    await rejects(400, ['vcenter'], () => api.post(`/api/v1/collectors/${collectorId}/move`, { vcenter: 7 }));
    await rejects(404, ['vcenter'], () =>
      api.post(`/api/v1/collectors/${collectorId}/move`, { vcenter: 'nowhere' }),
    );
    await rejects(400, ['collectorIds'], () =>
      api.put(`/api/v1/vcenters/${vcenterId}/groups/order`, { collectorIds: ['x'] }),
    );
    await rejects(400, ['collectorIds'], () =>
      api.put(`/api/v1/vcenters/${vcenterId}/groups/order`, { collectorIds: [collectorId, randomUUID()] }),
    );
    await rejects(400, ['collectorIds'], () =>
      api.put(`/api/v1/vcenters/${vcenterId}/groups/order`, { collectorIds: [] }),
    );
  });

  it('rejects bad snapshot shards, naming each field, and takes large ones on the ingest limit', async () => {
    const shard = {
      vcenter: 'vc-input',
      snapshotTime: HOUR,
      epoch: 1,
      groupIndex: 0,
      groupCount: 2,
      vms: [vm('vm-1')],
      hosts: [],
    };
    const post = (body: Record<string, unknown>) =>
      api.post('/api/v1/inventory/snapshots', body, 'collector');
    await rejects(400, ['epoch', 'groupCount'], () => post({ ...shard, epoch: '1', groupCount: 0 }));
    await rejects(400, ['snapshotTime'], () =>
      post({ ...shard, snapshotTime: HOUR.replace(':00:00', ':30:00') }),
    );
    await rejects(400, ['snapshotTime'], () => post({ ...shard, snapshotTime: 'today' }));
    await rejects(400, ['vms.0.powerState', 'vms.0.uuid', 'vms.0.extra', 'vms.1.memoryMb'], () => {
      const { uuid: _uuid, ...missingUuid } = vm('vm-1');
      return post({
        ...shard,
        vms: [
          { ...missingUuid, powerState: 'on', extra: 1 },
          { ...vm('vm-2'), memoryMb: 1.5 },
        ],
      });
    });
    await rejects(400, ['hosts.0.cpuCores', 'hosts.0.connectionState'], () =>
      post({
        ...shard,
        hosts: [{ moref: 'host-1', name: 'h', clusterName: null, datacenterName: null, cpuCores: 'many' }],
      }),
    );
    await rejects(400, ['groupIndex'], () => post({ ...shard, groupIndex: 2 }));
    await rejects(400, ['epoch'], () => post({ ...shard, epoch: 99 }));
    await rejects(400, ['vms.2.moref'], () => post({ ...shard, vms: [vm('vm-1'), vm('vm-2'), vm('vm-1')] }));
    await rejects(404, ['vcenter'], () => post({ ...shard, vcenter: 'nowhere' }));
    await rejects(400, ['limit'], () => api.get('/api/v1/inventory/snapshots?limit=abc'));
    await rejects(400, ['since'], () => api.get('/api/v1/inventory/snapshots?since=1'));
    await rejects(404, ['vcenter'], () => api.get('/api/v1/inventory/snapshots?vcenter=nowhere'));

    // A shard over the 1 MiB global limit but under the ingest limit is accepted.
    const vms = Array.from({ length: 4000 }, (_, i) => vm(`vm-${i}`));
    expect(JSON.stringify(vms).length).toBeGreaterThan(1_048_576);
    const stored = await post({ ...shard, vms });
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ vmRows: 4000, complete: false });
  });

  it('rejects bad event batches, naming each field', async () => {
    const event = { key: 1, chainId: 1, type: 'VmPoweredOnEvent', createdTime: '2026-01-01T00:00:00Z' };
    const post = (body: Record<string, unknown>) => api.post('/api/v1/events', body, 'collector');
    await rejects(
      400,
      ['events.0.key', 'events.0.createdTime', 'events.0.type', 'events.0.vm.moref', 'events.0.fields'],
      () =>
        post({
          vcenter: 'vc-input',
          events: [{ key: -1, chainId: 1, createdTime: 'now', vm: { moref: 5, name: 'a' }, fields: [] }],
        }),
    );
    await rejects(400, ['events.0.extra'], () =>
      post({ vcenter: 'vc-input', events: [{ ...event, extra: true }] }),
    );
    await rejects(400, ['events'], () => post({ vcenter: 'vc-input', events: Array(10_001).fill(event) }));
    await rejects(400, ['events'], () => post({ vcenter: 'vc-input', events: { 0: event } }));
    await rejects(404, ['vcenter'], () => post({ vcenter: 'nowhere', events: [event] }));
  });

  it('serves the OpenAPI document with the contract collectors follow', async () => {
    const document = (await api.get('/api/docs-json', null)).body as Json;
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/collectors/register',
        '/api/v1/collectors/{id}/heartbeat',
        '/api/v1/inventory/snapshots',
        '/api/v1/events',
        '/api/v1/cluster/status',
      ]),
    );
    expect(Object.keys(document.components.schemas.AssignmentView.properties)).toEqual(
      expect.arrayContaining([
        'epoch',
        'effectiveFrom',
        'groupIndex',
        'groupIndices',
        'groupCount',
        'requestBudget',
        'vcenter',
      ]),
    );
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect((await fetch(`${controller.url}/api/docs`)).status).toBe(200);
  });
});

describe('registration rate limit', () => {
  let database: TestDatabase;
  let controller: RunningApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    controller = await startController(database.url, { VCC_MEMBERSHIP_REGISTER_LIMIT_PER_MINUTE: '3' });
  });

  afterAll(async () => {
    if (controller) expect(await controller.stop()).toBe(0);
    await database?.drop();
  });

  it('answers 429 with Retry-After past the limit and registers nothing', async () => {
    const api = client(controller.url);
    const db = await connect(database.url);
    try {
      for (let i = 0; i < 3; i++) {
        expect(
          (await api.post('/api/v1/collectors/register', { name: `r${i}`, version: '1' }, 'collector'))
            .status,
        ).toBe(201);
      }
      const before = await databaseState(db);
      const limited = await api.post(
        '/api/v1/collectors/register',
        { name: 'r3', version: '1' },
        'collector',
      );
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await databaseState(db)).toEqual(before);
      // Heartbeats are not limited.
      expect((await api.get('/api/v1/collectors', 'reader')).status).toBe(200);
    } finally {
      await db.end();
    }
  });
});
