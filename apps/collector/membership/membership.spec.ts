import { Logger } from '@nestjs/common';
import { CollectorGone } from '@vcc/contract';
import { ControllerError, type ControllerClient } from '../controller/controller.client';
import type { AssignmentResponse, AssignmentView } from '../controller/controller.types';
import { AssignmentTracker } from './assignment.tracker';
import { Membership } from './membership';

const REGISTERED: AssignmentResponse = {
  collectorId: 'c-1',
  state: 'active',
  serverTime: '1970-01-01T00:00:00.000Z',
  leaseTtlSeconds: 30,
  heartbeatIntervalSeconds: 10,
  assignment: null,
  previous: null,
};

/** A controller whose register answers come from `answers` in turn; it records when each call came. */
function fakeController(answers: (() => Promise<AssignmentResponse>)[]) {
  const registrations: { at: number; instanceId: string; name: string }[] = [];
  const heartbeats: number[] = [];
  const controller = {
    register: (body: { name: string; instanceId: string }) => {
      registrations.push({ at: Date.now(), instanceId: body.instanceId, name: body.name });
      // The last answer repeats.
      return (answers.length > 1 ? answers.shift()! : answers[0])();
    },
    heartbeat: () => {
      heartbeats.push(Date.now());
      return Promise.resolve(REGISTERED);
    },
  } as unknown as ControllerClient;
  return { controller, registrations, heartbeats };
}

const refuse = (status: number, message: string, retryAfterSeconds?: number) => () =>
  Promise.reject(
    new ControllerError(
      `POST /api/v1/collectors/register: HTTP ${status}: ${message}`,
      status,
      retryAfterSeconds,
    ),
  );

function member(controller: ControllerClient, random: number) {
  return new Membership(
    controller,
    new AssignmentTracker(),
    { name: 'twin', version: '1', capacity: 1, maxRetryDelayMs: 10_000 },
    () => undefined,
    () => random,
  );
}

describe('Membership registration retries', () => {
  let membership: Membership | undefined;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'warn', 'error']));
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => {
    membership?.stop();
    jest.useRealTimers();
  });

  it("waits the 429's Retry-After plus jitter, not 2 s, and says so in its problem", async () => {
    const fake = fakeController([refuse(429, 'too many registrations', 60)]);
    membership = member(fake.controller, 0.5);
    membership.start();
    await jest.advanceTimersByTimeAsync(65_999);
    expect(fake.registrations.map((r) => r.at)).toEqual([0]);
    expect(membership.problem).toBe('registration throttled by the controller; retrying in 66 s');
    await jest.advanceTimersByTimeAsync(1);
    expect(fake.registrations.map((r) => r.at)).toEqual([0, 66_000]);
  });

  it('backs off a refused name with a doubling wait up to the maximum, always with its one instance id', async () => {
    const fake = fakeController([refuse(409, 'name twin is held by collector c-0 (instance i-0, 10.0.0.1)')]);
    membership = member(fake.controller, 0);
    membership.start();
    await jest.advanceTimersByTimeAsync(40_000);
    expect(fake.registrations.map((r) => r.at)).toEqual([0, 2_000, 6_000, 14_000, 24_000, 34_000]);
    expect(new Set(fake.registrations.map((r) => r.instanceId))).toEqual(new Set([membership.instanceId]));
    expect(membership.instanceId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(membership.problem).toContain('the controller refused the name twin');
    expect(membership.problem).toContain('held by collector c-0');
  });

  it('registers once the refusal ends, then heartbeats at the interval with no problem left', async () => {
    const fake = fakeController([
      refuse(409, 'name twin is held'),
      refuse(503, 'unavailable'),
      () => Promise.resolve(REGISTERED),
    ]);
    membership = member(fake.controller, 0);
    membership.start();
    await jest.advanceTimersByTimeAsync(6_000);
    expect(fake.registrations.map((r) => r.at)).toEqual([0, 2_000, 6_000]);
    expect(membership.problem).toBeNull();
    await jest.advanceTimersByTimeAsync(20_000);
    expect(fake.heartbeats).toEqual([16_000, 26_000]);
    expect(fake.registrations).toHaveLength(3);
  });
});

function held(credentialVersion: number, overrides: Partial<AssignmentView> = {}): AssignmentView {
  return {
    epoch: 1,
    effectiveFrom: '1970-01-01T00:00:00.000Z',
    groupIndices: [0],
    groupIndex: 0,
    groupCount: 1,
    watermarks: [],
    paused: false,
    requestBudget: 4,
    realtimeIntervalSeconds: 20,
    historicalIntervalSeconds: 300,
    vcenter: {
      id: 'vc-1',
      name: 'vc',
      sdkUrl: 'https://vc/sdk',
      tls: { insecure: false, caFile: null },
      counters: { vm: [], host: [], cluster: [], datastore: [] },
      filters: { include: [], exclude: [] },
      credentialVersion,
    },
    ...overrides,
  };
}

describe('Membership heartbeats', () => {
  let membership: Membership | undefined;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'warn', 'error']));
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => {
    membership?.stop();
    jest.useRealTimers();
  });

  /** A controller that registers `drained-01` and then answers heartbeats with `heartbeat`. */
  function controllerFor(heartbeat: () => Promise<AssignmentResponse>) {
    const calls: string[] = [];
    const controller = {
      register: () => {
        calls.push('register');
        return Promise.resolve({ ...REGISTERED, secret: 's' });
      },
      heartbeat: () => {
        calls.push('heartbeat');
        return heartbeat();
      },
      credentials: (_id: string, vcenterId: string) => {
        calls.push(`credentials ${vcenterId}`);
        return Promise.resolve({ vcenterId, credentialVersion: 2, username: 'vcc', password: 'pw' });
      },
    } as unknown as ControllerClient;
    return { controller, calls };
  }

  const gone = (gone: CollectorGone, message: string) => () =>
    Promise.reject(
      new ControllerError(
        `POST /api/v1/collectors/c-1/heartbeat: HTTP 410: ${message}`,
        410,
        undefined,
        gone,
      ),
    );

  function start(controller: ControllerClient): Membership {
    return new Membership(
      controller,
      new AssignmentTracker(),
      { name: 'drained-01', version: '1', capacity: 1, maxRetryDelayMs: 10_000 },
      () => undefined,
      () => 0,
    );
  }

  it('registers again after its lease expired, though its name says drained', async () => {
    const fake = controllerFor(
      gone(
        CollectorGone.Expired,
        'collector drained-01 is gone: its lease expired after missed heartbeats; register again',
      ),
    );
    membership = start(fake.controller);
    membership.start();
    await jest.advanceTimersByTimeAsync(15_000);
    expect(fake.calls).toEqual(['register', 'heartbeat', 'register']);
    expect(membership.drained).toBe(false);
  });

  it('stops for good when the controller says drained', async () => {
    const fake = controllerFor(
      gone(CollectorGone.Drained, 'collector drained-01 is gone: an admin drained it'),
    );
    membership = start(fake.controller);
    membership.start();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(fake.calls).toEqual(['register', 'heartbeat']);
    expect(membership.drained).toBe(true);
  });

  it('counts its lease from when it sent the heartbeat, not from the slow answer', async () => {
    // Registered at 0; the heartbeat sent at 10 s is answered at 15 s; later ones never are.
    const answers = [
      () => new Promise<AssignmentResponse>((resolve) => setTimeout(() => resolve(REGISTERED), 5_000)),
    ];
    const fake = controllerFor(() => (answers.shift() ?? (() => new Promise<never>(() => undefined)))());
    const tracker = new AssignmentTracker();
    membership = new Membership(
      fake.controller,
      tracker,
      { name: 'slow', version: '1', capacity: 1, maxRetryDelayMs: 10_000 },
      () => undefined,
    );
    membership.start();
    await jest.advanceTimersByTimeAsync(39_900);
    expect(fake.calls).toEqual(['register', 'heartbeat', 'heartbeat']);
    expect(tracker.fenced(Date.now())).toBe(false);
    // The controller renewed the lease at 10 s at the latest: with a 30 s TTL it may be gone after 40 s.
    await jest.advanceTimersByTimeAsync(200);
    expect(tracker.fenced(Date.now())).toBe(true);
  });

  it('sends heartbeats one interval apart however long the answers take', async () => {
    const heartbeats: number[] = [];
    const fake = controllerFor(() => {
      heartbeats.push(Date.now());
      return new Promise((resolve) => setTimeout(() => resolve(REGISTERED), 1_500));
    });
    membership = start(fake.controller);
    membership.start();
    await jest.advanceTimersByTimeAsync(35_000);
    expect(heartbeats).toEqual([10_000, 20_000, 30_000]);
  });

  it('fetches credentials for a vCenter it holds indices on only when their version changes', async () => {
    const answers = [held(2), held(2), held(3), held(3, { paused: true, groupIndices: [] }), held(3)];
    const fake = controllerFor(() => Promise.resolve({ ...REGISTERED, assignment: answers.shift()! }));
    membership = start(fake.controller);
    membership.start();
    await jest.advanceTimersByTimeAsync(50_000);
    expect(fake.calls).toEqual([
      'register',
      'heartbeat',
      'credentials vc-1',
      'heartbeat',
      'heartbeat',
      'credentials vc-1',
      'heartbeat',
      'heartbeat',
      'credentials vc-1',
    ]);
  });
});
