import { CycleHealth } from './cycle-health';

describe('CycleHealth', () => {
  it('is unhealthy from the Nth failed realtime cycle in a row until one succeeds, and keeps the last cause', () => {
    const health = new CycleHealth(2);
    health.failed('realtime', 'SystemError: injected');
    expect(health.problem).toBeNull();
    health.failed('historical', '1 of 1 requests failed');
    health.succeeded('historical');
    expect(health.problem).toBeNull();
    health.failed('realtime', '2 of 7 requests failed');
    expect(health.problem).toBe('2 realtime cycles in a row failed');
    health.failed('realtime', 'SystemError: injected');
    expect(health.problem).toBe('3 realtime cycles in a row failed');
    health.succeeded('realtime');
    expect(health.problem).toBeNull();
    expect(health.failedCyclesInARow).toBe(0);
    expect(health.lastError).toBe('realtime: SystemError: injected');
  });
});
