import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import type { RunningApp } from '../support/apps';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { waitFor } from '../support/processes';
import {
  client,
  connect,
  epochs,
  expectConsistentAssignment,
  startController,
  vcenterBody,
  type ControllerClient,
  type Json,
} from './controller-harness';

// Heartbeat every 2 s, lease 10 s (5 missed), boundary lead 2 s + 1 s margin, realtime cycles of 20 s.
const HEARTBEAT_SECONDS = 2;
const LEAD_MS = (HEARTBEAT_SECONDS + 1) * 1000;
const CYCLE_MS = 20_000;

describe('collector membership and group assignment on PostgreSQL', () => {
  let database: TestDatabase;
  let controller: RunningApp;
  let api: ControllerClient;
  let db: Client;
  const alive = new Set<string>();
  let keepAlive: NodeJS.Timeout;
  const vcenter: Record<string, string> = {};

  beforeAll(async () => {
    database = await createTestDatabase();
    controller = await startController(database.url, { VCC_MEMBERSHIP_MISSED_HEARTBEATS: '5' });
    api = client(controller.url);
    db = await connect(database.url);
    // Collectors under test heartbeat in the background, as real ones would.
    keepAlive = setInterval(() => {
      for (const id of alive) {
        void api.post(`/api/v1/collectors/${id}/heartbeat`, {}, 'collector').then((reply) => {
          if (reply.status !== 200) alive.delete(id);
        });
      }
    }, 1000);
    for (const name of ['vc-a', 'vc-b']) {
      const created = await api.post('/api/v1/vcenters', vcenterBody(name, { realtimeIntervalSeconds: 20 }));
      expect(created.status).toBe(201);
      vcenter[name] = created.body.id;
    }
  });

  afterAll(async () => {
    clearInterval(keepAlive);
    await db?.end();
    if (controller) expect(await controller.stop()).toBe(0);
    await database?.drop();
  });

  // One collector instance per name: registering a name again is that instance registering again.
  const instances = new Map<string, string>();
  async function register(name: string, extra: Record<string, unknown> = {}) {
    if (!instances.has(name)) instances.set(name, randomUUID());
    const reply = await api.post(
      '/api/v1/collectors/register',
      { name, instanceId: instances.get(name), version: '0.1.0', ...extra },
      'collector',
    );
    expect(reply.status).toBe(201);
    alive.add(reply.body.collectorId);
    return reply.body;
  }

  async function heartbeat(id: string, body: unknown = {}) {
    return api.post(`/api/v1/collectors/${id}/heartbeat`, body, 'collector');
  }

  async function members(name: string): Promise<Record<string, number[]>> {
    const reply = await api.get(`/api/v1/vcenters/${vcenter[name]}/groups`, 'reader');
    expect(reply.status).toBe(200);
    return Object.fromEntries(
      (reply.body.members as { name: string; groupIndices: number[] }[]).map((m) => [m.name, m.groupIndices]),
    );
  }

  /** Runs a change and checks that exactly the named vCenters' epochs went up by one. */
  async function change<T>(bumped: string[], run: () => Promise<T>): Promise<T> {
    const before = await epochs(db);
    const result = await run();
    const after = await epochs(db);
    for (const name of Object.keys(before)) {
      expect({ [name]: after[name] }).toEqual({ [name]: before[name] + (bumped.includes(name) ? 1 : 0) });
    }
    await expectConsistentAssignment(db);
    return result;
  }

  const ids: Record<string, string> = {};

  it('appends each join, one epoch bump each, effective from a boundary every member hears of first', async () => {
    for (const name of ['c1', 'c2', 'c3']) {
      const reply = await change(['vc-a'], () => register(name, { preferredVcenter: 'vc-a' }));
      ids[name] = reply.collectorId;
      const effectiveFrom = Date.parse(reply.assignment.effectiveFrom);
      expect(effectiveFrom % CYCLE_MS).toBe(0);
      expect(effectiveFrom).toBeGreaterThanOrEqual(Date.parse(reply.serverTime) + LEAD_MS);
      expect(reply).toMatchObject({
        state: 'active',
        heartbeatIntervalSeconds: HEARTBEAT_SECONDS,
        leaseTtlSeconds: 10,
        assignment: {
          vcenter: { name: 'vc-a' },
          realtimeIntervalSeconds: 20,
          historicalIntervalSeconds: 300,
        },
      });
    }
    expect(await members('vc-a')).toEqual({ c1: [0], c2: [1], c3: [2] });

    // Without a preference a newcomer goes to the vCenter that has no members.
    ids.c4 = (await change(['vc-b'], () => register('c4'))).collectorId;
    expect(await members('vc-b')).toEqual({ c4: [0] });

    const beat = await heartbeat(ids.c1);
    expect(beat.status).toBe(200);
    expect(beat.body.assignment).toMatchObject({
      groupIndex: 0,
      groupIndices: [0],
      groupCount: 3,
      requestBudget: 3,
    });
    expect(beat.body.assignment.vcenter).toMatchObject({
      name: 'vc-a',
      sdkUrl: 'https://vc-a.example.com/sdk',
    });
  });

  it('moves the last member into the hole of a graceful leave', async () => {
    const reply = await change(['vc-a'], () => api.delete(`/api/v1/collectors/${ids.c1}`, 'collector'));
    expect(reply.status).toBe(204);
    expect(await members('vc-a')).toEqual({ c3: [0], c2: [1] });
    const gone = await heartbeat(ids.c1);
    expect(gone.status).toBe(410);
    expect(gone.body.message).toContain('deregistered');
    // Deregistering again changes nothing.
    expect((await change([], () => api.delete(`/api/v1/collectors/${ids.c1}`, 'collector'))).status).toBe(
      204,
    );
  });

  it('expires a member that stops heartbeating, with one bump, and counts it', async () => {
    ids.c5 = (await change(['vc-a'], () => register('c5', { preferredVcenter: 'vc-a' }))).collectorId;
    expect(await members('vc-a')).toEqual({ c3: [0], c2: [1], c5: [2] });
    const before = await epochs(db);
    alive.delete(ids.c5);
    await waitFor('c5 to expire', async () => ((await members('vc-a')).c5 ? undefined : true), 30_000);
    expect((await epochs(db))['vc-a']).toBe(before['vc-a'] + 1);
    await expectConsistentAssignment(db);
    const gone = await heartbeat(ids.c5);
    expect(gone.status).toBe(410);
    expect(gone.body.message).toContain('lease expired');
    const metrics = await (await fetch(`${controller.url}/metrics`)).text();
    expect(metrics).toMatch(/^vcc_controller_lease_expiries_total 1$/m);
  });

  it('drains a collector: the old indices until the boundary, none after it, then deregistered', async () => {
    // Let c2's current assignment take effect, so that it is the one in force before the drain's boundary.
    const current = (await heartbeat(ids.c2)).body.assignment;
    await waitFor('the current boundary', async () =>
      Date.now() > Date.parse(current.effectiveFrom) + 100 ? true : undefined,
    );
    const drained = await change(['vc-a'], () => api.post(`/api/v1/collectors/${ids.c2}/drain`));
    expect(drained.status).toBe(200);
    expect(drained.body).toMatchObject({ state: 'draining', groupIndices: [] });
    expect(await members('vc-a')).toEqual({ c3: [0] });

    const beat = (await heartbeat(ids.c2)).body;
    expect(beat.state).toBe('draining');
    expect(beat.assignment).toMatchObject({
      groupIndices: [],
      groupIndex: null,
      groupCount: 1,
      requestBudget: 0,
    });
    expect(beat.assignment.effectiveFrom).toBe(drained.body.drainAt);
    expect(beat.previous).toMatchObject({ epoch: current.epoch, groupIndices: [1], groupCount: 2 });
    expect(beat.previous.vcenter).toEqual(beat.assignment.vcenter);
    // Until its last boundary a draining collector still works there, so it may still log in.
    const credentials = await api.get(
      `/api/v1/collectors/${ids.c2}/credentials/${vcenter['vc-a']}`,
      'collector',
    );
    expect(credentials.status).toBe(200);

    await waitFor(
      'c2 to be deregistered',
      async () => ((await heartbeat(ids.c2)).status === 410 ? true : undefined),
      60_000,
    );
    // The code, not the message, tells the collector to stop.
    expect((await heartbeat(ids.c2)).body).toMatchObject({ gone: 'drained' });
    expect((await api.get(`/api/v1/collectors/${ids.c2}`)).body).toMatchObject({
      state: 'gone',
      goneReason: 'drained',
    });
  });

  it('moves a collector to another vCenter: one bump on each, starting there no earlier than it stops here', async () => {
    ids.c6 = (
      await change(['vc-a'], () => register('c6', { preferredVcenter: vcenter['vc-a'] }))
    ).collectorId;
    const moved = await change(['vc-a', 'vc-b'], () =>
      api.post(`/api/v1/collectors/${ids.c3}/move`, { vcenter: 'vc-b' }),
    );
    expect(moved.status).toBe(200);
    expect(await members('vc-a')).toEqual({ c6: [0] });
    expect(await members('vc-b')).toEqual({ c4: [0], c3: [1] });
    const left = (await api.get(`/api/v1/vcenters/${vcenter['vc-a']}`)).body.epochEffectiveFrom;
    const beat = (await heartbeat(ids.c3)).body;
    expect(beat.assignment.vcenter.name).toBe('vc-b');
    expect(Date.parse(beat.assignment.effectiveFrom)).toBeGreaterThanOrEqual(Date.parse(left));
    // Moving to where it already is changes nothing.
    expect(
      (await change([], () => api.post(`/api/v1/collectors/${ids.c3}/move`, { vcenter: 'vc-b' }))).status,
    ).toBe(200);
  });

  it('gives a weight-k collector k indices and frees its highest ones when the weight drops', async () => {
    const heavy = await change(['vc-b'], () => register('c7', { capacity: 3, preferredVcenter: 'vc-b' }));
    ids.c7 = heavy.collectorId;
    expect(heavy.assignment).toMatchObject({ groupIndices: [2, 3, 4], groupIndex: 2, groupCount: 5 });
    await change(['vc-b'], () => api.put(`/api/v1/collectors/${ids.c4}/weight`, { weight: 2 }));
    expect(await members('vc-b')).toEqual({ c4: [0, 5], c3: [1], c7: [2, 3, 4] });
    await change(['vc-b'], () => api.put(`/api/v1/collectors/${ids.c7}/weight`, { weight: 1 }));
    expect(await members('vc-b')).toEqual({ c4: [0, 3], c3: [1], c7: [2] });
    const beat = (await heartbeat(ids.c4)).body;
    expect(beat.assignment).toMatchObject({ groupIndices: [0, 3], groupCount: 4 });
    // The budget of 8 is split by indices held: 2 per index here.
    expect(beat.assignment.requestBudget).toBe(4);
    expect(
      (await change([], () => api.put(`/api/v1/collectors/${ids.c7}/weight`, { weight: 1 }))).status,
    ).toBe(200);
  });

  it('reorders indices, pauses and resumes, each one bump; settings members do not see change nothing', async () => {
    const order = [ids.c7, ids.c3, ids.c4];
    const reordered = await change(['vc-b'], () =>
      api.put(`/api/v1/vcenters/${vcenter['vc-b']}/groups/order`, { collectorIds: order }),
    );
    expect(reordered.status).toBe(200);
    expect(await members('vc-b')).toEqual({ c7: [0], c3: [1], c4: [2, 3] });

    const paused = await change(['vc-b'], () => api.post(`/api/v1/vcenters/${vcenter['vc-b']}/pause`));
    expect(paused.body.enabled).toBe(false);
    expect((await heartbeat(ids.c4)).body.assignment).toMatchObject({
      paused: true,
      groupIndices: [],
      groupCount: 4,
    });
    expect(await members('vc-b')).toEqual({ c7: [0], c3: [1], c4: [2, 3] });
    expect((await change([], () => api.post(`/api/v1/vcenters/${vcenter['vc-b']}/pause`))).status).toBe(200);
    await change(['vc-b'], () => api.post(`/api/v1/vcenters/${vcenter['vc-b']}/resume`));
    expect((await heartbeat(ids.c4)).body.assignment).toMatchObject({ paused: false, groupIndices: [2, 3] });

    await change(['vc-b'], () => api.patch(`/api/v1/vcenters/${vcenter['vc-b']}`, { requestBudget: 16 }));
    await change(['vc-b'], () =>
      api.patch(`/api/v1/vcenters/${vcenter['vc-b']}`, { realtimeIntervalSeconds: 40 }),
    );
    await change([], () =>
      api.patch(`/api/v1/vcenters/${vcenter['vc-b']}`, { username: 'other@vsphere.local' }),
    );
    const beat = (await heartbeat(ids.c4)).body;
    expect(beat.assignment).toMatchObject({ realtimeIntervalSeconds: 40, requestBudget: 8 });
    expect(Date.parse(beat.assignment.effectiveFrom) % 40_000).toBe(0);
    // A new user name is a new credential version, which members fetch on their own route.
    expect(beat.assignment.vcenter.credentialVersion).toBe(2);
    const credentials = await api.get(
      `/api/v1/collectors/${ids.c4}/credentials/${vcenter['vc-b']}`,
      'collector',
    );
    expect(credentials.body).toMatchObject({ credentialVersion: 2, username: 'other@vsphere.local' });
  });

  it('lets a collector that re-registers under its name take over its indices in one bump', async () => {
    const again = await change(['vc-b'], () => register('c3'));
    expect(again.collectorId).not.toBe(ids.c3);
    expect(again.assignment).toMatchObject({ groupIndices: [1], vcenter: { name: 'vc-b' } });
    expect(await members('vc-b')).toEqual({ c7: [0], c3: [1], c4: [2, 3] });
    const old = await heartbeat(ids.c3);
    expect(old.status).toBe(410);
    expect(old.body.message).toContain('replaced');
    ids.c3 = again.collectorId;
  });

  it('reports each vCenter in the cluster status and in Prometheus metrics', async () => {
    const c4 = ids.c4;
    const stats = {
      cycleStart: new Date().toISOString(),
      entitiesAssigned: 120,
      entitiesCollected: 90,
      points: 5000,
      durationMs: 800,
      errors: 1,
    };
    expect((await heartbeat(c4, { stats })).status).toBe(200);
    const status = await api.get('/api/v1/cluster/status', 'reader');
    expect(status.status).toBe(200);
    const current = await epochs(db);
    for (const entry of status.body.vcenters as { name: string; epoch: number }[]) {
      expect(entry.epoch).toBe(current[entry.name]);
    }
    const vcB = (status.body.vcenters as { id: string }[]).find((v) => v.id === vcenter['vc-b']) as Json;
    const member = vcB.members.find((m: { collectorId: string }) => m.collectorId === c4);
    expect(member).toMatchObject({ name: 'c4', state: 'active', stale: false, lastCycle: stats });
    expect(member.leaseAgeSeconds).toBeLessThan(10);
    expect(vcB.coverage.entitiesAssigned).toBeGreaterThanOrEqual(120);
    expect(vcB.coverage.entitiesCollected).toBeGreaterThanOrEqual(90);

    // A member that stops heartbeating shows as stale before its lease expires.
    const quiet = await register('quiet', { preferredVcenter: 'vc-a' });
    alive.delete(quiet.collectorId);
    await waitFor('quiet to turn stale', async () => {
      const body = (await api.get('/api/v1/cluster/status', 'reader')).body;
      const entry = body.vcenters.find((v: { name: string }) => v.name === 'vc-a');
      return entry.staleMembers.includes('quiet') ? true : undefined;
    });

    const metrics = await (await fetch(`${controller.url}/metrics`)).text();
    const live = await db.query<{ state: string; n: number }>(
      `SELECT state, count(*)::int AS n FROM collector WHERE state <> 'gone' GROUP BY state`,
    );
    const active = live.rows.find((row) => row.state === 'active')?.n ?? 0;
    expect(metrics).toContain(`vcc_controller_collectors{state="active"} ${active}`);
    expect(metrics).toContain(`vcc_controller_vcenter_epoch{vcenter="vc-a"} ${(await epochs(db))['vc-a']}`);
    expect(metrics).toMatch(/^vcc_controller_heartbeats_total [1-9]\d*$/m);
    expect(metrics).toMatch(
      /^vcc_controller_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/collectors\/:id\/heartbeat",status_code="200"\} [1-9]/m,
    );
  });
  it('keeps indices dense and held once through a random sequence of changes, one bump per change', async () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let next = 100;
    for (let step = 0; step < 40; step++) {
      const live = (await api.get('/api/v1/collectors')).body.filter(
        (c: { state: string }) => c.state === 'active',
      ) as { id: string; name: string; vcenterId: string; weight: number }[];
      const pick = live[random(live.length)];
      const nameOf = (id: string) => Object.entries(vcenter).find(([, value]) => value === id)![0];
      const other = (id: string) => Object.values(vcenter).find((value) => value !== id)!;
      switch (live.length < 3 ? 0 : random(6)) {
        case 0: {
          const target = random(2) ? 'vc-a' : 'vc-b';
          await change([target], () =>
            register(`r${next++}`, { preferredVcenter: target, capacity: 1 + random(3) }),
          );
          break;
        }
        case 1:
          await change([nameOf(pick.vcenterId)], () =>
            api.delete(`/api/v1/collectors/${pick.id}`, 'collector'),
          );
          break;
        case 2:
          await change([nameOf(pick.vcenterId)], () => api.post(`/api/v1/collectors/${pick.id}/drain`));
          break;
        case 3:
          await change([nameOf(pick.vcenterId), nameOf(other(pick.vcenterId))], () =>
            api.post(`/api/v1/collectors/${pick.id}/move`, { vcenter: other(pick.vcenterId) }),
          );
          break;
        case 4: {
          const weight = 1 + ((pick.weight + random(3)) % 4);
          await change(weight === pick.weight ? [] : [nameOf(pick.vcenterId)], () =>
            api.put(`/api/v1/collectors/${pick.id}/weight`, { weight }),
          );
          break;
        }
        default: {
          const group = (await api.get(`/api/v1/vcenters/${pick.vcenterId}/groups`)).body;
          const order = (group.members as { collectorId: string }[]).map((m) => m.collectorId).reverse();
          await change(order.length > 1 ? [group.vcenterName] : [], () =>
            api.put(`/api/v1/vcenters/${pick.vcenterId}/groups/order`, { collectorIds: order }),
          );
        }
      }
    }
  });
});
