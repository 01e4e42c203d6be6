import { admin } from '../simulator/simulator';
import type { RunningApp } from '../support/apps';
import { waitFor } from '../support/processes';
import { startInfluxDb, type TimeSeriesServer } from '../support/time-series';
import {
  Cluster,
  createInfluxDatabase,
  finishedCycles,
  metric,
  SAMPLE_SECONDS,
  waitForCycles,
} from './cluster';

const CYCLE_MS = SAMPLE_SECONDS * 1000;

function failedCycles(app: RunningApp): string[] {
  return app
    .logs()
    .map((line) => /^realtime cycle at (\S+) failed: /.exec(String(line.message))?.[1])
    .filter((boundary): boundary is string => boundary !== undefined);
}

// A vCenter that fails every call for a while (the simulator answers SystemError), then recovers.
describe('collector health while vCenter fails every call', () => {
  jest.setTimeout(6 * 60_000);
  let influx: TimeSeriesServer;
  let cluster: Cluster;
  beforeAll(async () => {
    influx = await startInfluxDb();
    await createInfluxDatabase(influx);
    cluster = await Cluster.start({
      sink: { kind: 'influxdb-v1', server: influx },
      collector: { VCC_HEALTH_FAILED_CYCLES: '2' },
    });
  });
  afterAll(async () => {
    await cluster?.stop();
    await influx?.stop();
  });

  it('turns unhealthy after two failed cycles, counts every failed call, and recovers with the first cycle after the faults end', async () => {
    const collector = await cluster.startCollector('c1');
    await waitForCycles(collector, 1);
    const simulator = { url: new URL(cluster.vcenter.url).origin } as RunningApp;
    const failedCalls = (): Promise<number> =>
      Promise.all([
        metric(collector.url, 'vcc_collector_vcenter_requests_total', 'result="error"'),
        metric(collector.url, 'vcc_collector_vcenter_requests_total', 'result="fault"'),
      ]).then(([errors, faults]) => errors + faults);
    const callsBefore = await failedCalls();

    expect((await admin(simulator, 'PUT', 'faults', { errorRate: 1, latencyMs: 300 })).status).toBe(200);
    await waitFor(
      'two failed realtime cycles',
      async () => (failedCycles(collector).length >= 2 ? true : undefined),
      4 * CYCLE_MS,
    );
    const unhealthy = await fetch(`${collector.url}/health`);
    const report = (await unhealthy.json()) as { checks: { collector: Record<string, unknown> } };
    const failedCycleCount = await metric(
      collector.url,
      'vcc_collector_cycles_total',
      'schedule="realtime"',
      'result="failed"',
    );
    const callsDuring = (await failedCalls()) - callsBefore;

    expect((await admin(simulator, 'PUT', 'faults', { errorRate: 0, latencyMs: 0 })).status).toBe(200);
    const failedBeforeRecovery = failedCycles(collector).length;
    const okBeforeRecovery = finishedCycles(collector).length;
    await waitForCycles(collector, okBeforeRecovery + 1, 3 * CYCLE_MS);
    const healthy = await fetch(`${collector.url}/health`);
    expect(await collector.stop()).toBe(0);

    expect(unhealthy.status).toBe(503);
    expect(report.checks.collector).toMatchObject({
      status: 'failing',
      error: expect.stringMatching(/^\d+ realtime cycles in a row failed$/),
      failedCyclesInARow: expect.any(Number),
      lastError: expect.stringContaining('SystemError'),
    });
    expect(report.checks.collector.failedCyclesInARow).toBeGreaterThanOrEqual(2);
    expect(failedCycleCount).toBeGreaterThanOrEqual(2);
    // Each failed cycle ended at a failed vCenter call, and each such call is counted.
    expect(callsDuring).toBeGreaterThanOrEqual(failedCycleCount);
    // The first cycle after the faults ended succeeded: none failed on a connection left over from them.
    expect(failedCycles(collector).length).toBe(failedBeforeRecovery);
    expect(healthy.status).toBe(200);
  });
});
