import { Logger } from '@nestjs/common';
import { ControllerError, type ControllerClient } from '../controller/controller.client';
import type { AssignmentResponse } from '../controller/controller.types';
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
