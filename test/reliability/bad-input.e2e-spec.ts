import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import type { RunningApp } from '../support/apps';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startAggregator } from '../aggregator/aggregator-harness';
import {
  TOKENS,
  client,
  collectorSecrets,
  connect,
  startController,
  vcenterBody,
  type Role,
} from '../controller/controller-harness';
import { databaseFingerprint } from './support/database-dump';
import { badCases, routes, type BadCase, type OpenApiDocument, type Seeds } from './support/openapi-cases';
import { rawRequest } from './support/raw-http';

/**
 * Issue 16, item 13: bad input on every route of every app that has an OpenAPI document, the
 * cases generated from the document at test time (routes added later are covered without a
 * change here). Every answer must be a 4xx, the database must not change, and the apps stay up.
 */
describe('reliability: bad input on every route', () => {
  let database: TestDatabase;
  let db: Client;
  let apps: Record<'controller' | 'aggregator', RunningApp>;
  let vcenterId: string;
  let collectorId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const controller = await startController(database.url, {
      // A lease that outlives the test: nothing but the requests below may change the database.
      VCC_MEMBERSHIP_HEARTBEAT_INTERVAL_SECONDS: '300',
      VCC_MEMBERSHIP_REAPER_INTERVAL_SECONDS: '3600',
    });
    const aggregator = await startAggregator(database.url, { VCC_SCHEDULE_ENABLED: 'false' });
    apps = { controller, aggregator };
    db = await connect(database.url);
    const api = client(controller.url);
    vcenterId = (await api.post('/api/v1/vcenters', vcenterBody('vc-bad-input'))).body.id;
    collectorId = (
      await api.post(
        '/api/v1/collectors/register',
        { name: 'c-bad-input', instanceId: randomUUID(), version: '1' },
        'collector',
      )
    ).body.collectorId;
    expect(collectorSecrets.get(collectorId)).toEqual(expect.any(String));
  });

  afterAll(async () => {
    await db?.end();
    for (const app of Object.values(apps ?? {})) expect(await app.stop()).toBe(0);
    await database?.drop();
  });

  const seeds = (): Seeds => ({
    pathValue: (path, name) => {
      if (name === 'vcenterId') return vcenterId;
      if (name === 'id' && path.startsWith('/api/v1/collectors')) return collectorId;
      if (name === 'id' && path.startsWith('/api/v1/vcenters')) return vcenterId;
      return '1';
    },
    headerValue: (name) => (name === 'x-collector-secret' ? collectorSecrets.get(collectorId) : undefined),
  });

  /** The answer, or status 0 with the error when the connection failed without one. */
  function send(app: RunningApp, bad: BadCase, role: Role | null): ReturnType<typeof rawRequest> {
    return rawRequest(app.url, {
      method: bad.method,
      path: bad.path,
      headers: { ...bad.headers, ...(role ? { authorization: `Bearer ${TOKENS[role]}` } : {}) },
      body: bad.body,
      declaredLength: bad.declaredLength,
    }).catch((error: Error) => ({ status: 0, text: error.message }));
  }

  it('answers only 4xx, writes nothing and stays up', async () => {
    const before = await databaseFingerprint(db);
    const failures: string[] = [];
    let routeCount = 0;
    let caseCount = 0;
    const statuses = new Map<number, number>();
    for (const [name, app] of Object.entries(apps)) {
      const document = (await (await fetch(`${app.url}/api/docs-json`)).json()) as OpenApiDocument;
      for (const route of routes(document)) {
        routeCount++;
        const cases = await badCases(document, route, seeds());
        // The role the route serves: the first token not refused with 401 or 403 (public routes:
        // none; a collector first, as admins may skip the collector's secret). The probe is a bad case itself, and its answer counts as that case's.
        const probe = cases.find((bad) => bad.what === 'unknown query parameter')!;
        let role: Role | null = null;
        let reply = await send(app, probe, role);
        for (const candidate of ['collector', 'admin', 'reader'] as const) {
          if (reply.status !== 401 && reply.status !== 403) break;
          role = candidate;
          reply = await send(app, probe, role);
        }
        const replies = new Map([[probe, reply]]);
        for (const bad of cases) {
          caseCount++;
          const { status, text } = replies.get(bad) ?? (await send(app, bad, role));
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status < 400 || status > 499)
            failures.push(
              `${name} ${bad.method} ${route.path} (${bad.what}): ${status} ${text.slice(0, 200)}`,
            );
        }
      }
    }
    const answers = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`);
    process.stdout.write(
      `bad input: ${routeCount} routes, ${caseCount} cases, ${failures.length} not 4xx (answers ${answers.join(' ')})\n`,
    );
    expect(failures).toEqual([]);
    expect(await databaseFingerprint(db)).toEqual(before);
    for (const app of Object.values(apps)) {
      expect(app.process.child.exitCode).toBeNull();
      expect((await fetch(`${app.url}/health`)).status).toBe(200);
    }
    // About 1,500 requests, some of megabytes: a loaded 2-core machine needs more than the default.
  }, 300_000);
});
