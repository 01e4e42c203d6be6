import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'pg';
import { startSimulator } from '../simulator/simulator';
import { runApp, startApp, type RunningApp } from '../support/apps';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { waitFor } from '../support/processes';
import {
  TOKENS,
  client,
  type Json,
  connect,
  databaseState,
  epochs,
  startController,
  vcenterBody,
} from './controller-harness';

describe('vCenter passwords and tokens', () => {
  let database: TestDatabase;
  let db: Client;
  const dir = mkdtempSync(join(tmpdir(), 'vcc-secrets-'));
  const passwords = {
    inline: `inline-${randomBytes(8).toString('hex')}`,
    fromFile: `file-${randomBytes(8).toString('hex')}`,
    api: `api-${randomBytes(8).toString('hex')}`,
    patched: `patched-${randomBytes(8).toString('hex')}`,
  };
  const keyFile = join(dir, 'encryption-key');
  const tokensFile = join(dir, 'tokens.yaml');
  const passwordFile = join(dir, 'vc-file-password');
  const configFile = join(dir, 'controller.yaml');

  function writeConfig(): void {
    writeFileSync(
      configFile,
      [
        'auth:',
        `  tokensFile: ${tokensFile}`,
        'secrets:',
        `  encryptionKeyFile: ${keyFile}`,
        'log:',
        '  level: debug',
        'vcenters:',
        '  - name: vc-inline',
        '    sdkUrl: https://vc-inline.example.com/sdk',
        '    username: vcc',
        `    password: ${passwords.inline}`,
        '  - name: vc-file',
        '    sdkUrl: https://vc-file.example.com/sdk',
        '    username: vcc',
        `    passwordFile: ${passwordFile}`,
        '    realtimeIntervalSeconds: 20',
      ].join('\n'),
    );
  }

  function start(): Promise<RunningApp> {
    return startApp('controller', {
      args: ['--config', configFile],
      env: { VCC_DATABASE_URL: database.url },
    });
  }

  beforeAll(async () => {
    chmodSync(dir, 0o700);
    database = await createTestDatabase();
    db = await connect(database.url);
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`);
    writeFileSync(passwordFile, `${passwords.fromFile}\n`);
    writeFileSync(
      tokensFile,
      Object.entries(TOKENS)
        .map(([role, token]) => `- {name: e2e-${role}, role: ${role}, token: ${token}}`)
        .join('\n'),
    );
    writeConfig();
  });

  afterAll(async () => {
    await db?.end();
    await database?.drop();
  });

  const everySecret = (): string[] => [...Object.values(passwords), ...Object.values(TOKENS)];

  it('stores passwords encrypted, returns them to no one but an assigned collector, and logs none', async () => {
    const controller = await start();
    const api = client(controller.url);
    const responses: string[] = [];
    const keep = async <T extends { text: string }>(reply: Promise<T>): Promise<T> => {
      const done = await reply;
      responses.push(done.text);
      return done;
    };
    try {
      const created = await keep(
        api.post('/api/v1/vcenters', vcenterBody('vc-api', { password: passwords.api })),
      );
      expect(created.status).toBe(201);
      await keep(api.post('/api/v1/vcenters', vcenterBody('vc-api', { password: passwords.api })));
      await keep(
        api.post('/api/v1/vcenters', vcenterBody('vc-bad', { password: passwords.api, sdkUrl: 'x' })),
      );
      await keep(api.patch(`/api/v1/vcenters/${created.body.id}`, { password: passwords.patched }));
      const listed = await keep(api.get('/api/v1/vcenters', 'reader'));
      expect(listed.body.map((v: { name: string }) => v.name)).toEqual(['vc-api', 'vc-file', 'vc-inline']);
      for (const vcenter of listed.body as { id: string }[]) {
        await keep(api.get(`/api/v1/vcenters/${vcenter.id}`, 'reader'));
        await keep(api.get(`/api/v1/vcenters/${vcenter.id}/groups`, 'reader'));
      }

      const stored = await db.query<{ name: string; password_enc: string }>(
        'SELECT name, password_enc FROM vcenter',
      );
      expect(stored.rows).toHaveLength(3);
      for (const row of stored.rows) {
        expect(row.password_enc).toMatch(/^enc:v1:/);
        for (const secret of everySecret()) expect(row.password_enc).not.toContain(secret);
      }

      // Registration and heartbeats name the vCenter and its credential version, never the password.
      const registered = await keep(
        api.post(
          '/api/v1/collectors/register',
          { name: 'c1', version: '1', preferredVcenter: 'vc-file' },
          'collector',
        ),
      );
      expect(registered.status).toBe(201);
      expect(registered.body.assignment.vcenter).toMatchObject({ name: 'vc-file', credentialVersion: 1 });
      expect(registered.body.assignment.vcenter).not.toHaveProperty('username');
      const id = registered.body.collectorId as string;
      const vcFile = registered.body.assignment.vcenter.id as string;
      const beat = await keep(api.post(`/api/v1/collectors/${id}/heartbeat`, {}, 'collector'));
      expect(beat.status).toBe(200);
      // The collector holding indices on a vCenter is the one party that gets its password, decrypted.
      const credentials = await api.get(`/api/v1/collectors/${id}/credentials/${vcFile}`, 'collector');
      expect(credentials.body).toEqual({
        vcenterId: vcFile,
        credentialVersion: 1,
        username: 'vcc',
        password: passwords.fromFile,
      });
      await keep(api.post(`/api/v1/collectors/${id}/move`, { vcenter: 'vc-api' }));
      const moved = await keep(api.post(`/api/v1/collectors/${id}/heartbeat`, {}, 'collector'));
      // The PATCH of its password moved vc-api's credential version.
      expect(moved.body.assignment.vcenter).toMatchObject({ id: created.body.id, credentialVersion: 2 });
      const next = await api.get(`/api/v1/collectors/${id}/credentials/${created.body.id}`, 'collector');
      expect(next.body).toMatchObject({ credentialVersion: 2, password: passwords.patched });

      await keep(api.get('/api/v1/collectors', 'reader'));
      await keep(api.get(`/api/v1/collectors/${registered.body.collectorId}`, 'reader'));
      await keep(api.get('/api/v1/cluster/status', 'reader'));
      await keep(api.get('/api/docs-json', null));
      await keep(api.get('/metrics', null));
      for (const text of responses) for (const secret of everySecret()) expect(text).not.toContain(secret);
    } finally {
      expect(await controller.stop()).toBe(0);
    }
    const output = controller.process.output();
    expect(output).toContain('vCenter vc-inline imported from the config file');
    expect(output).toMatch(/"level":"debug".*"method":"PATCH","url":"\/api\/v1\/vcenters\//);
    for (const secret of everySecret()) expect(output).not.toContain(secret);
  });

  it('leaves an unchanged config alone at restart and updates a changed password without a new epoch', async () => {
    const before = await epochs(db);
    const stored = await db.query<{ password_enc: string }>(
      `SELECT password_enc FROM vcenter WHERE name = 'vc-file'`,
    );
    let controller = await start();
    expect(await controller.stop()).toBe(0);
    expect(controller.process.output()).toContain('vCenter vc-file in the config file matches the catalogue');
    const same = await db.query<{ password_enc: string }>(
      `SELECT password_enc FROM vcenter WHERE name = 'vc-file'`,
    );
    expect(same.rows).toEqual(stored.rows);

    passwords.fromFile = `file-${randomBytes(8).toString('hex')}`;
    writeFileSync(passwordFile, passwords.fromFile);
    controller = await start();
    try {
      expect(controller.process.output()).toContain('vCenter vc-file updated from the config file: password');
      // Credentials are not part of the group assignment: no epoch changed.
      expect(await epochs(db)).toEqual(before);
      const api = client(controller.url);
      const registered = await api.post(
        '/api/v1/collectors/register',
        { name: 'c2', version: '1', preferredVcenter: 'vc-file' },
        'collector',
      );
      const vcenter = registered.body.assignment.vcenter;
      expect(vcenter.credentialVersion).toBe(2);
      const credentials = await api.get(
        `/api/v1/collectors/${registered.body.collectorId}/credentials/${vcenter.id}`,
        'collector',
      );
      expect(credentials.body).toMatchObject({ credentialVersion: 2, password: passwords.fromFile });
    } finally {
      expect(await controller.stop()).toBe(0);
    }
    for (const secret of everySecret()) expect(controller.process.output()).not.toContain(secret);
  });

  it('lets a collector act only as itself, and gives it only the credentials of a vCenter it holds indices on', async () => {
    const controller = await start();
    const api = client(controller.url);
    const texts: string[] = [];
    const keep = async <T extends { text: string }>(reply: Promise<T>): Promise<T> => {
      const done = await reply;
      texts.push(done.text);
      return done;
    };
    const register = (name: string, preferredVcenter: string) =>
      keep(api.post('/api/v1/collectors/register', { name, version: '1', preferredVcenter }, 'collector'));
    try {
      const a = await register('a', 'vc-inline');
      const b = await register('b', 'vc-file');
      const [aId, bId] = [a.body.collectorId as string, b.body.collectorId as string];
      const [vcInline, vcFile] = [a.body.assignment.vcenter.id as string, b.body.assignment.vcenter.id];
      const aSecret = a.body.secret as string;
      const stored = await db.query<{ secret_hash: string }>(
        'SELECT secret_hash FROM collector WHERE id = $1',
        [aId],
      );
      expect(stored.rows[0].secret_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored.rows[0].secret_hash).not.toContain(aSecret);
      const before = await databaseState(db);

      // a, with its own secret, tries to be b; then anyone without a secret.
      for (const secret of [aSecret, null]) {
        const beat = await keep(api.as(secret, 'POST', `/api/v1/collectors/${bId}/heartbeat`, {}));
        expect(beat.status).toBe(403);
        expect(beat.body.fields).toEqual([{ field: 'x-collector-secret', problems: [expect.any(String)] }]);
        const credentials = await keep(
          api.as(secret, 'GET', `/api/v1/collectors/${bId}/credentials/${vcFile}`),
        );
        expect(credentials.status).toBe(403);
        const evict = await keep(api.as(secret, 'DELETE', `/api/v1/collectors/${bId}`));
        expect(evict.status).toBe(403);
      }
      // Nothing moved: no lease renewed, no epoch bumped, nobody evicted.
      expect(await databaseState(db)).toEqual(before);

      // a holds no indices on vc-file.
      const elsewhere = await keep(api.get(`/api/v1/collectors/${aId}/credentials/${vcFile}`, 'collector'));
      expect(elsewhere.status).toBe(403);
      expect(elsewhere.body.fields[0].field).toBe('vcenterId');
      expect((await api.get(`/api/v1/collectors/${aId}/credentials/${vcInline}`, 'collector')).status).toBe(
        200,
      );

      // A paused vCenter's credentials go to no one: not to its member, not to a collector registering for it.
      expect((await api.post(`/api/v1/vcenters/${vcInline}/pause`)).status).toBe(200);
      const paused = await keep(api.get(`/api/v1/collectors/${aId}/credentials/${vcInline}`, 'collector'));
      expect(paused.status).toBe(403);
      const c = await register('c', 'vc-inline');
      expect(c.status).toBe(201);
      expect(c.body.assignment).toMatchObject({ paused: true, groupIndices: [] });
      const newcomer = await keep(
        api.get(`/api/v1/collectors/${c.body.collectorId}/credentials/${vcInline}`, 'collector'),
      );
      expect(newcomer.status).toBe(403);
      expect((await api.post(`/api/v1/vcenters/${vcInline}/resume`)).status).toBe(200);

      // With its own secret, a leaves; then it is told why it is unknown, as a code.
      expect((await keep(api.delete(`/api/v1/collectors/${aId}`, 'collector'))).status).toBe(204);
      const left = await keep(api.post(`/api/v1/collectors/${aId}/heartbeat`, {}, 'collector'));
      expect(left.status).toBe(410);
      expect(left.body.gone).toBe('unknown');
      const unknown = await keep(
        api.post('/api/v1/collectors/00000000-0000-4000-8000-000000000000/heartbeat', {}, 'collector'),
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body.gone).toBe('unknown');
      // An admin needs no collector secret to deregister one.
      expect((await api.delete(`/api/v1/collectors/${bId}`)).status).toBe(204);
      for (const text of texts) for (const secret of everySecret()) expect(text).not.toContain(secret);
    } finally {
      expect(await controller.stop()).toBe(0);
    }
    for (const secret of everySecret()) expect(controller.process.output()).not.toContain(secret);
  });

  it('re-encrypts configured passwords under a new key and names the stored ones it cannot read', async () => {
    writeFileSync(keyFile, randomBytes(32).toString('base64'));
    const controller = await start();
    try {
      const output = controller.process.output();
      expect(output).toContain('vCenter vc-inline updated from the config file: password');
      expect(output).toContain(
        'vCenter vc-api: the stored password cannot be decrypted with secrets.encryptionKey',
      );
    } finally {
      expect(await controller.stop()).toBe(0);
    }
  });

  it('refuses to start without a usable key or with a short token, naming the key and printing no secret', async () => {
    const base = { VCC_DATABASE_URL: database.url };
    const missing = await runApp('controller', [], base);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'secrets.encryptionKey: must be 32 bytes encoded in base64 (generate one with: openssl rand -base64 32); it is not set',
    );
    const shortKey = randomBytes(16).toString('base64');
    const short = await runApp('controller', [], { ...base, VCC_SECRETS_ENCRYPTION_KEY: shortKey });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('secrets.encryptionKey: must be 32 bytes encoded in base64');
    expect(short.stderr).not.toContain(shortKey);
    const weak = await runApp('controller', [], {
      ...base,
      VCC_SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      VCC_AUTH_TOKENS: '[{name: ops, role: admin, token: tooshort-secret}]',
    });
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('auth.tokens.0.token: must be at least 32 characters');
    expect(weak.stderr).not.toContain('tooshort-secret');
  });
});

interface Exchange {
  method: string;
  path: string;
  status: number;
  /** The response body as sent. */
  text: string;
}

/** An HTTP proxy in front of the controller that keeps every response it passes on. */
async function capturingProxy(
  target: string,
): Promise<{ url: string; exchanges: Exchange[]; server: Server }> {
  const exchanges: Exchange[] = [];
  const read = async (request: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const server = createServer((request, response) => {
    void (async () => {
      const body = await read(request);
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => name !== 'host' && name !== 'content-length'),
      ) as Record<string, string>;
      const answer = await fetch(new URL(request.url!, target), {
        method: request.method,
        headers,
        body: body.length ? body : undefined,
      });
      const text = await answer.text();
      exchanges.push({ method: request.method!, path: request.url!, status: answer.status, text });
      response.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'text/plain',
      });
      response.end(text);
    })().catch((error: Error) => response.destroy(error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, exchanges, server };
}

describe('what collectors hear from the controller during a run', () => {
  it('carries the vCenter password only in credentials answers to collectors holding indices on it, once per version', async () => {
    const database = await createTestDatabase();
    const passwords = {
      sim: `sim-${randomBytes(8).toString('hex')}`,
      other: `other-${randomBytes(8).toString('hex')}`,
    };
    const simulator = await startSimulator({
      VCC_TLS_ENABLED: 'true',
      VCC_SDK_PASSWORD: passwords.sim,
      VCC_INVENTORY_CLUSTERS_PER_DATACENTER: '1',
      VCC_INVENTORY_HOSTS_PER_CLUSTER: '1',
      VCC_INVENTORY_VMS_PER_HOST: '2',
    });
    const controller = await startController(database.url, {
      VCC_VCENTERS: JSON.stringify([
        {
          name: 'sim',
          sdkUrl: `${simulator.url}/sdk`,
          username: 'user',
          password: passwords.sim,
          tls: { insecure: true },
        },
        {
          name: 'other',
          sdkUrl: 'https://other.example.com/sdk',
          username: 'vcc',
          password: passwords.other,
        },
      ]),
    });
    const proxy = await capturingProxy(controller.url);
    const collectors: RunningApp[] = [];
    const startCollector = async (name: string): Promise<RunningApp> => {
      const app = await startApp('collector', {
        env: {
          VCC_CONTROLLER_URL: proxy.url,
          VCC_CONTROLLER_TOKEN: TOKENS.collector,
          VCC_MEMBER_NAME: name,
          VCC_MEMBER_PREFERRED_VCENTER: 'sim',
          VCC_PERF_THREADS: '1',
          VCC_LOG_LEVEL: 'debug',
        },
      });
      collectors.push(app);
      return app;
    };
    const realtimeCycles = (app: RunningApp): number =>
      app.logs().filter((line) => /^realtime cycle \S+: /.test(String(line.message))).length;
    try {
      const [a, b] = await Promise.all([startCollector('a'), startCollector('b')]);
      // A cycle that read samples is a login with the fetched credentials.
      await waitFor(
        'a realtime cycle of each collector',
        async () => (realtimeCycles(a) > 0 && realtimeCycles(b) > 0 ? true : undefined),
        60_000,
      );
      await a.stop();
      collectors.splice(collectors.indexOf(a), 1);
      await startCollector('a');
      // After a restart the credentials are fetched again, once, and heartbeats carry on without them.
      await waitFor('two heartbeats of the restarted collector', async () => {
        const again = proxy.exchanges.filter(
          (exchange) => exchange.path === '/api/v1/collectors/register',
        )[2];
        const id = again && (JSON.parse(again.text) as Json).collectorId;
        const beats = proxy.exchanges.filter((exchange) => id && exchange.path.endsWith(`${id}/heartbeat`));
        return beats.length >= 2 ? true : undefined;
      });
    } finally {
      for (const app of collectors) await app.stop();
      await new Promise((resolve) => proxy.server.close(resolve));
      expect(await controller.stop()).toBe(0);
      await simulator.stop();
      await database.drop();
    }

    const registrations = proxy.exchanges.filter(
      (exchange) => exchange.path === '/api/v1/collectors/register',
    );
    expect(registrations.map((exchange) => exchange.status)).toEqual([201, 201, 201]);
    const registered = registrations.map((exchange) => JSON.parse(exchange.text) as Json);
    const simId = registered[0].assignment.vcenter.id as string;
    for (const answer of registered)
      expect(answer.assignment.vcenter).toMatchObject({ id: simId, name: 'sim' });
    const heartbeats = proxy.exchanges.filter((exchange) => exchange.path.endsWith('/heartbeat'));

    // Each collector process fetched the credentials once: the version did not change during the run.
    // Collectors started together fetch in either order.
    const credentials = proxy.exchanges.filter((exchange) => exchange.path.includes('/credentials/'));
    const fetched = credentials.map((exchange) => `${exchange.method} ${exchange.path} ${exchange.status}`);
    expect(fetched.sort()).toEqual(
      registered
        .map((answer) => `GET /api/v1/collectors/${answer.collectorId}/credentials/${simId} 200`)
        .sort(),
    );
    // Every one of them held indices on sim: its registration or a heartbeat said so.
    for (const answer of registered) {
      const views = [
        answer,
        ...heartbeats
          .filter((beat) => beat.path.includes(answer.collectorId))
          .map((beat) => JSON.parse(beat.text) as Json),
      ];
      expect(
        views.some(
          (view) => view.assignment?.vcenter.id === simId && view.assignment.groupIndices.length > 0,
        ),
      ).toBe(true);
    }

    const carrying = proxy.exchanges.filter((exchange) => exchange.text.includes(passwords.sim));
    expect(carrying).toEqual(credentials);
    for (const exchange of proxy.exchanges) expect(exchange.text).not.toContain(passwords.other);
    const collectorSecrets = registered.map((answer) => answer.secret as string);
    for (const app of [controller, ...collectors]) {
      const output = app.process.output();
      for (const secret of [...Object.values(passwords), ...collectorSecrets])
        expect(output).not.toContain(secret);
    }
  });
});
