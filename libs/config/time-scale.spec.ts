import { randomBytes } from 'node:crypto';
import { CollectorConfig, ConfigError, ControllerConfig, loadConfig, SimulatorConfig } from '.';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const KEY = randomBytes(32).toString('base64');

/** A controller configuration importing one vCenter with the given realtime interval. */
function controllerEnv(realtimeIntervalSeconds: number, env: Record<string, string> = {}) {
  return {
    VCC_SECRETS_ENCRYPTION_KEY: KEY,
    VCC_VCENTERS: JSON.stringify([
      { name: 'vc', sdkUrl: 'https://vc/sdk', username: 'u', password: 'p', realtimeIntervalSeconds },
    ]),
    ...env,
  };
}

describe('VCC_TEST_TIME_SCALE', () => {
  // Every load sets the scale from its own environment; leave the next test file on vCenter's clock.
  afterAll(() => loadConfig(SimulatorConfig, { env: {} }));

  it("leaves vCenter's clock when unset: 20 s samples, realtime intervals in multiples of 20 s, a retention of at least 60 s", () => {
    expect(loadConfig(SimulatorConfig, { env: {} }).perf.realtimeIntervalSeconds).toBe(20);
    expect(loadConfig(ControllerConfig, { env: controllerEnv(40) }).vcenters[0].realtimeIntervalSeconds).toBe(
      40,
    );
    expect(problemsOf(() => loadConfig(ControllerConfig, { env: controllerEnv(2) }))).toEqual([
      expect.stringMatching(
        /^vcenters\.0\.realtimeIntervalSeconds: must be a multiple of the 20 s realtime sample interval, from 20 to 3600; got 2 /,
      ),
    ]);
    expect(
      problemsOf(() => loadConfig(CollectorConfig, { env: { VCC_PERF_REALTIME_RETENTION_SECONDS: '59' } })),
    ).toEqual([
      'perf.realtimeRetentionSeconds: must not be less than 60; got 59 from VCC_PERF_REALTIME_RETENTION_SECONDS',
    ]);
  });

  it('divides that clock in the simulator, the controller and the collector alike', () => {
    const scaled = { VCC_TEST_TIME_SCALE: '10' };
    expect(loadConfig(SimulatorConfig, { env: scaled }).perf.realtimeIntervalSeconds).toBe(2);
    // A simulator setting still wins over the scaled default.
    expect(
      loadConfig(SimulatorConfig, { env: { ...scaled, VCC_PERF_REALTIME_INTERVAL_SECONDS: '4' } }).perf
        .realtimeIntervalSeconds,
    ).toBe(4);
    expect(
      loadConfig(ControllerConfig, { env: controllerEnv(2, scaled) }).vcenters[0].realtimeIntervalSeconds,
    ).toBe(2);
    expect(problemsOf(() => loadConfig(ControllerConfig, { env: controllerEnv(3, scaled) }))).toEqual([
      expect.stringMatching(
        /^vcenters\.0\.realtimeIntervalSeconds: must be a multiple of the 2 s realtime sample interval, from 2 to 3600; got 3 /,
      ),
    ]);
    const collector = loadConfig(CollectorConfig, {
      env: { ...scaled, VCC_PERF_REALTIME_RETENTION_SECONDS: '6' },
    });
    expect(collector.perf.realtimeRetentionSeconds).toBe(6);
    expect(
      problemsOf(() =>
        loadConfig(CollectorConfig, { env: { ...scaled, VCC_PERF_REALTIME_RETENTION_SECONDS: '5' } }),
      ),
    ).toEqual([
      'perf.realtimeRetentionSeconds: must not be less than 6; got 5 from VCC_PERF_REALTIME_RETENTION_SECONDS',
    ]);
    // The next load without the variable is back on vCenter's clock.
    expect(loadConfig(SimulatorConfig, { env: {} }).perf.realtimeIntervalSeconds).toBe(20);
  });

  it('accepts only divisors of 20, listed with the other problems', () => {
    expect(
      problemsOf(() =>
        loadConfig(SimulatorConfig, { env: { VCC_TEST_TIME_SCALE: '3', VCC_HTTP_PORT: 'eighty' } }),
      ),
    ).toEqual([
      'VCC_TEST_TIME_SCALE: must be one of 1, 2, 4, 5, 10, 20 (a divisor of vCenter\'s 20 s realtime interval); got "3"',
      'http.port: must not be greater than 65535; must not be less than 0; must be an integer number; got "eighty" from VCC_HTTP_PORT',
    ]);
  });
});
