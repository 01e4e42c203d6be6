import { Logger } from '@nestjs/common';
import { register } from 'prom-client';
import { CollectorConfig } from '@vcc/config';
import type { AppIdentity } from '@vcc/platform';
import type { CollectionPipeline } from '../collection/collection.pipeline';
import type { CycleResult, Schedule } from '../collection/perf-collector';
import type { ControllerClient } from '../controller/controller.client';
import type { AssignmentResponse, AssignmentView, VcenterCredentials } from '../controller/controller.types';
import { EventTailJob } from '../events/event-tail.job';
import { MembershipService } from '../membership/membership.service';
import { CollectorMetrics } from '../observability/collector.metrics';
import { InventorySnapshotJob } from '../snapshots/inventory-snapshot.job';
import { CycleScheduler } from './cycle-scheduler.service';

// The collector's providers on a fake clock, against a fake controller and a fake pipeline whose
// cycles and posts take the time a test gives them.

// 10 s before a realtime boundary, far from a historical (5 min) one.
const START = Date.parse('2026-01-01T01:00:50Z');
const at = (offsetSeconds: number): string => new Date(START + offsetSeconds * 1000).toISOString();

const ASSIGNMENT: AssignmentView = {
  epoch: 1,
  effectiveFrom: new Date(0).toISOString(),
  groupIndices: [0],
  groupIndex: 0,
  groupCount: 1,
  paused: false,
  requestBudget: 4,
  realtimeIntervalSeconds: 20,
  watermarks: [],
  historicalIntervalSeconds: 300,
  vcenter: {
    id: 'vc-1',
    name: 'vc',
    sdkUrl: 'https://vc.invalid/sdk',
    credentialVersion: 1,
    tls: { insecure: true, caFile: null },
    counters: { vm: [], host: [], cluster: [], datastore: [] },
    filters: { include: [], exclude: [] },
  },
};

const ANSWER: AssignmentResponse = {
  collectorId: 'c-1',
  state: 'active',
  serverTime: new Date(START).toISOString(),
  leaseTtlSeconds: 30,
  heartbeatIntervalSeconds: 10,
  assignment: ASSIGNMENT,
  previous: null,
};

const CREDENTIALS: VcenterCredentials = {
  vcenterId: 'vc-1',
  credentialVersion: 1,
  username: 'u',
  password: 'p',
};

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Fakes {
  /** How long a cycle, a snapshot post and an event read take, in ms of the fake clock. */
  cycleMs?: number;
  snapshotPostMs?: number;
  eventReadMs?: number;
  /** Heartbeats fail from this many seconds after START. */
  controllerDownAfterSeconds?: number;
}

function collector(fakes: Fakes = {}) {
  const cycles: { schedule: Schedule; boundary: string }[] = [];
  const snapshotPosts: string[] = [];
  const eventReads: string[] = [];
  const reachable = (): boolean =>
    fakes.controllerDownAfterSeconds === undefined ||
    Date.now() < START + fakes.controllerDownAfterSeconds * 1000;
  const controller = {
    register: () => Promise.resolve({ ...ANSWER, secret: 's' }),
    credentials: () => Promise.resolve(CREDENTIALS),
    heartbeat: () => (reachable() ? Promise.resolve(ANSWER) : Promise.reject(new Error('controller down'))),
    deregister: jest.fn(() => Promise.resolve()),
    postSnapshotShard: async () => {
      snapshotPosts.push(new Date().toISOString());
      await wait(fakes.snapshotPostMs ?? 0);
    },
    lastEvent: () => Promise.resolve({ lastKey: null, lastTime: null }),
    postEvents: () => Promise.resolve(),
  } as unknown as ControllerClient;
  const session = {
    inventory: () => Promise.resolve({ vms: [], hosts: [] }),
    vsphere: () =>
      Promise.resolve({
        readEvents: async () => {
          eventReads.push(new Date().toISOString());
          await wait(fakes.eventReadMs ?? 0);
          return [];
        },
      }),
  };
  const pipeline = {
    writer: { bufferedLines: 0 },
    session: () => session,
    collect: async (schedule: Schedule, boundary: number): Promise<CycleResult> => {
      cycles.push({ schedule, boundary: new Date(boundary).toISOString() });
      await wait(fakes.cycleMs ?? 1000);
      return {
        schedule,
        boundary: new Date(boundary),
        entitiesAssigned: 1,
        entitiesCollected: 1,
        watermarks: [],
        requests: 1,
        failedRequests: 0,
        refusedRequests: 0,
        points: 1,
        linesQueued: 1,
        lostSamples: 0,
        durationMs: fakes.cycleMs ?? 1000,
        written: Promise.resolve(),
      };
    },
  } as unknown as CollectionPipeline;
  const metrics = new CollectorMetrics();
  const membership = new MembershipService(
    new CollectorConfig(),
    { version: '1' } as AppIdentity,
    controller,
    metrics,
  );
  const scheduler = new CycleScheduler(new CollectorConfig(), membership, pipeline, metrics);
  const providers = [
    membership,
    scheduler,
    new InventorySnapshotJob(controller, membership, pipeline, scheduler),
    new EventTailJob(controller, membership, pipeline, scheduler, new CollectorConfig()),
  ];
  for (const provider of providers) provider.onApplicationBootstrap();
  const realtime = (): string[] => cycles.filter((c) => c.schedule === 'realtime').map((c) => c.boundary);
  const skipped = async (): Promise<number> =>
    (await metrics.cycles.get()).values.find(
      (v) => v.labels.schedule === 'realtime' && v.labels.result === 'skipped',
    )?.value ?? 0;
  /** Shuts down as Nest does, letting the fake clock run while running work finishes. */
  const stop = async (): Promise<void> => {
    const stopped = Promise.all(providers.map((provider) => provider.beforeApplicationShutdown()));
    await jest.advanceTimersByTimeAsync(120_000);
    await stopped;
    await membership.onApplicationShutdown();
  };
  return { realtime, cycles, snapshotPosts, eventReads, skipped, stop, controller, metrics };
}

describe('the collector providers on a fake clock', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'warn', 'error']));
  beforeEach(() => jest.useFakeTimers({ now: START }));
  afterEach(() => {
    jest.useRealTimers();
    // Metrics live in prom-client's global registry: every test counts from zero.
    register.resetMetrics();
  });

  it('runs a realtime cycle at every boundary, and the historical catch-up after the first of an epoch', async () => {
    const c = collector();
    await jest.advanceTimersByTimeAsync(65_000);
    await c.stop();
    expect(c.realtime()).toEqual([at(10), at(30), at(50)]);
    expect(c.cycles.filter((x) => x.schedule === 'historical')).toEqual([
      { schedule: 'historical', boundary: at(10) },
    ]);
  });

  it('a snapshot post that takes 60 s delays no realtime cycle', async () => {
    const c = collector({ snapshotPostMs: 60_000 });
    await jest.advanceTimersByTimeAsync(90_000);
    // The first boundary's snapshot is the hour's: posted then, it takes a minute.
    expect(c.snapshotPosts).toEqual([at(10)]);
    expect(c.realtime()).toEqual([at(10), at(30), at(50), at(70), at(90)]);
    expect(await c.skipped()).toBe(0);
    await c.stop();
  });

  it('an event read that takes 50 s delays no realtime cycle, and is not started twice', async () => {
    const c = collector({ eventReadMs: 50_000 });
    await jest.advanceTimersByTimeAsync(90_000);
    expect(c.realtime()).toEqual([at(10), at(30), at(50), at(70), at(90)]);
    expect(c.eventReads).toEqual([at(10), at(70)]);
    await c.stop();
  });

  it('skips a boundary while the previous cycle of the schedule still runs', async () => {
    const c = collector({ cycleMs: 30_000 });
    await jest.advanceTimersByTimeAsync(65_000);
    expect(c.realtime()).toEqual([at(10), at(50)]);
    expect(await c.skipped()).toBe(1);
    await c.stop();
  });

  it('collects nothing once the lease may have lapsed, and deregisters at shutdown', async () => {
    // The last heartbeat that reaches the controller is at 0 s; the lease of 30 s ends at 30 s.
    const c = collector({ controllerDownAfterSeconds: 5 });
    await jest.advanceTimersByTimeAsync(70_000);
    expect(c.realtime()).toEqual([at(10), at(30)]);
    await c.stop();
    expect(c.controller.deregister).toHaveBeenCalledWith('c-1');
  });
});
