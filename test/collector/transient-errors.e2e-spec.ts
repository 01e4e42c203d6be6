import { admin } from '../simulator/simulator';
import type { RunningApp } from '../support/apps';
import { startInfluxDb, type TimeSeriesServer } from '../support/time-series';
import {
  Cluster,
  createInfluxDatabase,
  finishedCycles,
  gaps,
  readPoints,
  realtimeEntities,
  SAMPLE_SECONDS,
  waitForCycles,
  type Sink,
} from './cluster';

/** Every realtime cycle's line: entities collected and assigned, requests and failed requests. */
function cycleLines(
  app: RunningApp,
): { boundary: string; collected: number; assigned: number; failed: number }[] {
  return app.logs().flatMap((line) => {
    const match = /^realtime cycle (\S+): (\d+)\/(\d+) entities, \d+ requests \((\d+) failed/.exec(
      String(line.message),
    );
    return match
      ? [{ boundary: match[1], collected: +match[2], assigned: +match[3], failed: +match[4] }]
      : [];
  });
}

async function retries(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('vcc_collector_vcenter_retries_total '));
  return line ? Number(line.split(' ').pop()) : 0;
}

// A third of the QueryPerf calls answered with HTTP 503 or a reset connection, as a proxy in front
// of a busy or restarting vCenter does; 11 requests a cycle (5 entities each), so that every cycle
// meets some. Retried within the cycle's deadline, none of them may cost an entity its cycle.
// Cycles of vCenter's 20 s (samples stay on the test scale): the deadline (90 % of the interval)
// leaves room for about twelve attempts, so that a request failing every one of them (0.3^12) does
// not happen; on 2 s cycles only four fit, and one request in a hundred would fail them all.
const CYCLE_SECONDS = 20;
describe('QueryPerf answered with 503s and resets', () => {
  jest.setTimeout(5 * 60_000);
  let influx: TimeSeriesServer;
  let cluster: Cluster;
  let sink: Sink;
  beforeAll(async () => {
    influx = await startInfluxDb();
    await createInfluxDatabase(influx);
    sink = { kind: 'influxdb-v1', server: influx };
    cluster = await Cluster.start({
      sink,
      realtimeIntervalSeconds: CYCLE_SECONDS,
      collector: { VCC_PERF_MAX_ENTITIES_PER_QUERY: '5' },
    });
  });
  afterAll(async () => {
    await cluster?.stop();
    await influx?.stop();
  });

  it('retries them within the cycle: every cycle collects every entity, and no sample is missing', async () => {
    const collector = await cluster.startCollector('c1');
    await waitForCycles(collector, 1);
    const faults = { errorRate: 0.3, errorKinds: ['unavailable', 'reset'], errorMethods: ['QueryPerf'] };
    expect((await admin(cluster.simulator!, 'PUT', 'faults', faults)).status).toBe(200);
    const before = finishedCycles(collector).length;
    // The first cycle after the change may have started before it.
    await waitForCycles(collector, before + 4, 6 * CYCLE_SECONDS * 1000);
    const retried = await retries(collector.url);
    expect((await admin(cluster.simulator!, 'PUT', 'faults', { errorRate: 0 })).status).toBe(200);
    expect(await collector.stop()).toBe(0);

    const during = cycleLines(collector).slice(before + 1);
    expect(during.length).toBeGreaterThanOrEqual(3);
    for (const cycle of during) expect(cycle).toMatchObject({ collected: cycle.assigned, failed: 0 });
    expect(retried).toBeGreaterThan(0); // the faults really hit
    const entities = await realtimeEntities(cluster.vcenter);
    const cycles = finishedCycles(collector);
    expect(
      gaps(
        await readPoints(sink),
        entities,
        Date.parse(cycles[before + 1]) / 1000,
        Date.parse(cycles[cycles.length - 1]) / 1000 - CYCLE_SECONDS,
        SAMPLE_SECONDS,
      ),
    ).toEqual([]);
  });
});
