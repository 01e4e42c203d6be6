import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import type { RunningApp } from '../support/apps';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import {
  client,
  connect,
  epochs,
  expectConsistentAssignment,
  startController,
  type ControllerClient,
} from './controller-harness';

const sum = (values: Record<string, number>): number => Object.values(values).reduce((a, b) => a + b, 0);

describe('two controller replicas on one database', () => {
  let database: TestDatabase;
  let replicas: RunningApp[];
  let apis: ControllerClient[];
  let db: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    // Both start at once: they race for the migrations and for importing the config file's vCenters.
    const vcenters = ['vc-1', 'vc-2', 'vc-3'].map((name) => ({
      name,
      sdkUrl: `https://${name}.example.com/sdk`,
      username: 'vcc',
      password: `secret-of-${name}`,
      realtimeIntervalSeconds: 20,
    }));
    replicas = await Promise.all(
      [0, 1].map(() =>
        startController(database.url, {
          VCC_VCENTERS: JSON.stringify(vcenters),
          // Long leases: this test is about concurrent changes, not expiry.
          VCC_MEMBERSHIP_HEARTBEAT_INTERVAL_SECONDS: '60',
        }),
      ),
    );
    apis = replicas.map((replica) => client(replica.url));
    db = await connect(database.url);
  });

  afterAll(async () => {
    await db?.end();
    for (const replica of replicas ?? []) expect(await replica.stop()).toBe(0);
    await database?.drop();
  });

  it('imports the configured vCenters once', async () => {
    const listed = await apis[1].get('/api/v1/vcenters', 'reader');
    expect(listed.body.map((v: { name: string }) => v.name)).toEqual(['vc-1', 'vc-2', 'vc-3']);
    expect(await epochs(db)).toEqual({ 'vc-1': 0, 'vc-2': 0, 'vc-3': 0 });
  });

  it('serves 50 concurrent registrations through both replicas with a consistent assignment', async () => {
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        apis[i % 2].post(
          '/api/v1/collectors/register',
          {
            name: `collector-${i}`,
            instanceId: randomUUID(),
            version: '1.0.0',
            ...(i % 5 === 0 ? { preferredVcenter: 'vc-3' } : {}),
          },
          'collector',
        ),
      ),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(50).fill(201));
    await expectConsistentAssignment(db);
    // Each join is exactly one bump.
    expect(sum(await epochs(db))).toBe(50);

    // Every collector hears the same assignment from either replica, and it matches the groups view.
    const groups = new Map<
      string,
      { groupCount: number; epoch: number; members: { collectorId: string; groupIndices: number[] }[] }
    >();
    for (const vcenter of (await apis[0].get('/api/v1/vcenters')).body as { id: string }[]) {
      const [a, b] = await Promise.all(apis.map((api) => api.get(`/api/v1/vcenters/${vcenter.id}/groups`)));
      expect(a.body).toEqual(b.body);
      groups.set(vcenter.id, a.body);
    }
    expect([...groups.values()].reduce((n, g) => n + g.members.length, 0)).toBe(50);
    for (const [i, reply] of replies.entries()) {
      const beat = await apis[(i + 1) % 2].post(
        `/api/v1/collectors/${reply.body.collectorId}/heartbeat`,
        {},
        'collector',
      );
      const group = groups.get(beat.body.assignment.vcenter.id)!;
      const member = group.members.find((m) => m.collectorId === reply.body.collectorId)!;
      expect(beat.body.assignment).toMatchObject({
        epoch: group.epoch,
        groupCount: group.groupCount,
        groupIndices: member.groupIndices,
      });
    }
  });

  it('stays consistent under concurrent leaves, weight changes and re-registrations on both replicas', async () => {
    const collectors = (await apis[0].get('/api/v1/collectors')).body as {
      id: string;
      name: string;
      instanceId: string;
    }[];
    const before = sum(await epochs(db));
    const leaving = collectors.slice(0, 15);
    const heavier = collectors.slice(15, 25);
    const restarted = collectors.slice(25, 30);
    const replies = await Promise.all([
      ...leaving.map((c, i) => apis[i % 2].delete(`/api/v1/collectors/${c.id}`, 'collector')),
      ...heavier.map((c, i) => apis[(i + 1) % 2].put(`/api/v1/collectors/${c.id}/weight`, { weight: 3 })),
      // An instance that lost its id registering on both replicas at once: one registration replaces the other.
      ...restarted.flatMap((c) =>
        apis.map((api) =>
          api.post(
            '/api/v1/collectors/register',
            { name: c.name, instanceId: c.instanceId, version: '1.0.1' },
            'collector',
          ),
        ),
      ),
    ]);
    expect(replies.map((reply) => reply.status)).toEqual([
      ...Array(15).fill(204),
      ...Array(10).fill(200),
      ...Array(10).fill(201),
    ]);
    await expectConsistentAssignment(db);
    // 15 leaves + 10 weight changes + 2 bumps per restarted name (each registration replaces the live one).
    expect(sum(await epochs(db))).toBe(before + 15 + 10 + restarted.length * 2);
    const live = await db.query<{ name: string; n: number }>(
      `SELECT name, count(*)::int AS n FROM collector WHERE state <> 'gone' GROUP BY name HAVING count(*) > 1`,
    );
    expect(live.rows).toEqual([]);
    const active = await db.query<{ n: number; weight: number }>(
      `SELECT count(*)::int AS n, sum(weight)::int AS weight FROM collector WHERE state = 'active'`,
    );
    expect(active.rows[0]).toEqual({ n: 35, weight: 35 + 10 * 2 });
  });
});
