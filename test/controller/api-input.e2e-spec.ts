import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect as connectTcp, createServer, type Socket } from 'node:net';
import type { Client } from 'pg';
import type { RunningApp } from '../support/apps';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { freePort } from '../support/processes';
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
const REQUEST_TIMEOUT_SECONDS = 5;
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

/**
 * Writes `head` (request line and headers) on a raw connection, then one byte of body every
 * `trickleEveryMs` if given, and reads until the server closes the connection or `giveUpMs` passes.
 */
function rawExchange(
  baseUrl: string,
  head: string,
  options: { trickleEveryMs?: number; giveUpMs: number },
): Promise<{ response: string; closed: boolean; afterMs: number }> {
  const { hostname, port } = new URL(baseUrl);
  const started = Date.now();
  return new Promise((resolvePromise) => {
    const socket = connectTcp(Number(port), hostname);
    let response = '';
    const trickle =
      options.trickleEveryMs === undefined
        ? undefined
        : setInterval(() => socket.writable && socket.write('x'), options.trickleEveryMs);
    const finish = (closed: boolean): void => {
      clearInterval(trickle);
      clearTimeout(giveUp);
      socket.destroy();
      resolvePromise({ response, closed, afterMs: Date.now() - started });
    };
    const giveUp = setTimeout(() => finish(false), options.giveUpMs);
    socket.on('data', (chunk: Buffer) => (response += chunk.toString()));
    socket.on('close', () => finish(true));
    socket.on('error', () => undefined);
    socket.write(head);
  });
}

function postHead(path: string, contentLength: number, token?: string): string {
  return [
    `POST ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Content-Type: application/json',
    `Content-Length: ${contentLength}`,
    ...(token ? [`Authorization: Bearer ${token}`] : []),
    '',
    '',
  ].join('\r\n');
}

/** `{"a":{"a":...1}}`, `depth` objects deep, as text: JSON.stringify cannot go that deep. */
function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
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
      VCC_HTTP_REQUEST_TIMEOUT_SECONDS: String(REQUEST_TIMEOUT_SECONDS),
      // The lease-expiry test needs a lease that expired before the reaper saw it.
      VCC_MEMBERSHIP_REAPER_INTERVAL_SECONDS: '3600',
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
    // srmPlaceholder and cloudId may be left out (collectors older than them), but not be of another type.
    await rejects(
      400,
      ['vms.0.srmPlaceholder', 'vms.1.cloudId', 'vms.2.srmPlaceholder', 'vms.3.cloudId'],
      () =>
        post({
          ...shard,
          vms: [
            { ...vm('vm-1'), srmPlaceholder: 'yes' },
            { ...vm('vm-2'), cloudId: 42 },
            { ...vm('vm-3'), srmPlaceholder: null },
            { ...vm('vm-4'), cloudId: 'x'.repeat(129) },
          ],
        }),
    );
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
      ['events.0.key', 'events.0.createdTime', 'events.0.type', 'events.0.vm', 'events.0.fields'],
      () =>
        post({
          vcenter: 'vc-input',
          events: [{ key: -1, chainId: 1, createdTime: 'now', vm: { moref: 5, name: 'a' }, fields: [] }],
        }),
    );
    await rejects(400, ['events.0.extra'], () =>
      post({ vcenter: 'vc-input', events: [{ ...event, extra: true }] }),
    );
    await rejects(400, ['events.0.host'], () =>
      post({ vcenter: 'vc-input', events: [{ ...event, host: { moref: 'host-1', name: 'h', extra: 1 } }] }),
    );
    await rejects(400, ['events.0.cluster'], () =>
      post({ vcenter: 'vc-input', events: [{ ...event, cluster: { moref: '', name: 'c' } }] }),
    );
    await rejects(400, ['events'], () => post({ vcenter: 'vc-input', events: Array(10_001).fill(event) }));
    await rejects(400, ['events'], () => post({ vcenter: 'vc-input', events: { 0: event } }));
    await rejects(400, ['events.0.0'], () => post({ vcenter: 'vc-input', events: [[event]] }));
    await rejects(404, ['vcenter'], () => post({ vcenter: 'nowhere', events: [event] }));
  });

  it('answers 401 from the headers alone, before any of the body arrives, and closes the connection', async () => {
    const before = await databaseState(db);
    const exchange = await rawExchange(controller.url, postHead('/api/v1/events', INGEST_LIMIT - 1), {
      giveUpMs: 4000,
    });
    expect(exchange.response).toMatch(/^HTTP\/1\.1 401 /);
    expect(exchange.response).toMatch(/www-authenticate: Bearer/i);
    expect(exchange.closed).toBe(true);
    expect(await databaseState(db)).toEqual(before);
  });

  it('closes a connection whose body trickles in slower than http.requestTimeoutSeconds', async () => {
    const exchange = await rawExchange(
      controller.url,
      postHead('/api/v1/events', 100_000, TOKENS.collector),
      { trickleEveryMs: 500, giveUpMs: (REQUEST_TIMEOUT_SECONDS + 4) * 1000 },
    );
    expect(exchange.closed).toBe(true);
    expect(exchange.response).toMatch(/^HTTP\/1\.1 408 /);
    expect(exchange.afterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_SECONDS * 1000 - 500);
  });

  it('keeps a token given as ?access_token= out of the request log', async () => {
    const secret = `query-secret-${randomUUID()}`;
    expect(
      (await api.call('GET', `/api/v1/vcenters?access_token=${secret}&limit=1`, { role: null })).status,
    ).toBe(401);
    const logged = await waitForLog(controller, (line) =>
      String(JSON.stringify(line)).includes('access_token='),
    );
    expect(JSON.stringify(logged)).toContain('access_token=[REDACTED]');
    expect(controller.process.output()).not.toContain(secret);
  });

  it('rejects NUL characters in any string with 400 naming the field, writing nothing', async () => {
    const nul = 'a\u0000b';
    await rejects(400, ['username'], () =>
      api.post('/api/v1/vcenters', vcenterBody('vc-nul', { username: nul })),
    );
    await rejects(400, ['filters.include.0'], () =>
      api.post('/api/v1/vcenters', vcenterBody('vc-nul', { filters: { include: [nul] } })),
    );
    await rejects(400, ['tls.caFile'], () =>
      api.post('/api/v1/vcenters', vcenterBody('vc-nul', { tls: { caFile: `/etc/${nul}` } })),
    );
    const register = (body: Record<string, unknown>) =>
      api.post('/api/v1/collectors/register', { name: 'c-nul', version: '1', ...body }, 'collector');
    await rejects(400, ['version'], () => register({ version: nul }));
    await rejects(400, ['preferredVcenter'], () => register({ preferredVcenter: nul }));
    await rejects(400, ['vcenter'], () =>
      api.post(`/api/v1/collectors/${collectorId}/move`, { vcenter: nul }),
    );
    await rejects(400, ['vcenter'], () => api.get('/api/v1/inventory/snapshots?vcenter=a%00b'));
  });

  it('rejects integers beyond int32, times out of range and deep nesting with 400, writing nothing', async () => {
    const stats = {
      cycleStart: '2026-01-01T00:00:00Z',
      entitiesAssigned: 1,
      entitiesCollected: 1,
      points: 1,
      durationMs: 1,
      errors: 0,
    };
    const heartbeat = (extra: Record<string, unknown>) =>
      api.post(`/api/v1/collectors/${collectorId}/heartbeat`, { stats: { ...stats, ...extra } }, 'collector');
    await rejects(400, ['stats.entitiesAssigned'], () => heartbeat({ entitiesAssigned: 2_147_483_648 }));
    await rejects(400, ['stats.durationMs'], () => heartbeat({ durationMs: 99_999_999_999 }));
    await rejects(400, ['stats.points'], () => heartbeat({ points: 1e20 }));
    const event = { key: 1, chainId: 1, type: 'VmPoweredOnEvent', createdTime: '9999-12-31T23:00:00Z' };
    const events = (body: Record<string, unknown>) =>
      api.post('/api/v1/events', { vcenter: 'vc-input', events: [{ ...event, ...body }] }, 'collector');
    await rejects(400, ['events.0.createdTime'], () => events({}));
    const deepFields = await rejects(400, [], () =>
      api.call('POST', '/api/v1/events', {
        role: 'collector',
        raw: `{"vcenter":"vc-input","events":[${JSON.stringify({ ...event, createdTime: '2026-01-01T00:00:00Z' }).slice(0, -1)},"fields":${nestedJson(5000)}}]}`,
      }),
    );
    expect(deepFields.body.fields[0].field).toMatch(/^events\.0\.fields\.a\.a/);
    const deepTls = await rejects(400, [], () =>
      api.call('POST', '/api/v1/vcenters', {
        raw: `${JSON.stringify(vcenterBody('vc-deep')).slice(0, -1)},"tls":${nestedJson(100_000)}}`,
      }),
    );
    expect(deepTls.body.fields[0].field).toMatch(/^tls\.a\.a/);
  });

  it('rejects null for a stored field in PATCH, credentials in sdkUrl and a name taken in another case', async () => {
    for (const field of ['password', 'name', 'sdkUrl', 'tls', 'enabled', 'counters', 'requestBudget']) {
      await rejects(400, [field], () => api.patch(`/api/v1/vcenters/${vcenterId}`, { [field]: null }));
    }
    const withCredentials = 'https://root:hunter2@vc-creds.example.com/sdk';
    await rejects(400, ['sdkUrl'], () =>
      api.post('/api/v1/vcenters', vcenterBody('vc-creds', { sdkUrl: withCredentials })),
    );
    await rejects(400, ['sdkUrl'], () =>
      api.patch(`/api/v1/vcenters/${vcenterId}`, { sdkUrl: withCredentials }),
    );
    await rejects(409, ['name'], () => api.post('/api/v1/vcenters', vcenterBody('VC-INPUT')));
    const other = (await api.post('/api/v1/vcenters', vcenterBody('vc-case'))).body.id as string;
    await rejects(409, ['name'], () => api.patch(`/api/v1/vcenters/${other}`, { name: 'Vc-Input' }));
  });

  it('answers 410 to a heartbeat after the lease expired, before the reaper has run, writing nothing', async () => {
    const expired = (
      await api.post('/api/v1/collectors/register', { name: 'c-expired', version: '1' }, 'collector')
    ).body.collectorId as string;
    await db.query(`UPDATE collector SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [
      expired,
    ]);
    const gone = await rejects(410, ['id'], () =>
      api.post(`/api/v1/collectors/${expired}/heartbeat`, {}, 'collector'),
    );
    expect(gone.body.message).toContain('lease expired');
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

/** Polls the app's log until a line matches. */
async function waitForLog(
  app: RunningApp,
  matches: (line: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const line = app.logs().find(matches);
    if (line) return line;
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  throw new Error('no matching log line');
}

/** A TCP relay to PostgreSQL that the test can cut, as if the database went down. */
async function databaseRelay(databaseUrl: string): Promise<{ url: string; cut(): Promise<void> }> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const server = connectTcp(Number(target.port || 5432), target.hostname);
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        client.destroy();
        server.destroy();
      });
    }
    client.pipe(server).pipe(client);
  });
  const port = await freePort();
  await new Promise<void>((listening) => relay.listen(port, '127.0.0.1', listening));
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    cut: async () => {
      await new Promise<void>((closed) => {
        relay.close(() => closed());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

describe('controller with its database down', () => {
  let database: TestDatabase;
  let controller: RunningApp;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await controller?.stop();
    await database?.drop();
  });

  it('answers 503 with Retry-After, not 500', async () => {
    const relay = await databaseRelay(database.url);
    controller = await startController(relay.url);
    const api = client(controller.url);
    expect((await api.get('/api/v1/vcenters')).status).toBe(200);
    await relay.cut();
    for (const send of [
      () => api.get('/api/v1/vcenters'),
      () => api.post('/api/v1/vcenters', vcenterBody('vc-down')),
      () => api.post('/api/v1/collectors/register', { name: 'c-down', version: '1' }, 'collector'),
    ]) {
      const reply = await send();
      expect({ status: reply.status, body: reply.body }).toMatchObject({
        status: 503,
        body: { statusCode: 503, correlationId: expect.any(String) },
      });
      expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
    }
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
