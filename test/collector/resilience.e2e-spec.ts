import { startInfluxDb, startVictoriaMetrics, type TimeSeriesServer } from '../support/time-series';
import { waitFor } from '../support/processes';
import {
  Cluster,
  createInfluxDatabase,
  finishedCycles,
  gaps,
  metric,
  ownership,
  readPoints,
  realtimeEntities,
  SAMPLE_SECONDS,
  waitForCycles,
  wrongValues,
  type Sink,
} from './cluster';

// Time scale: the e2e clock (2 s realtime samples and cycles, vCenter's 20 s divided by ten); a small
// write buffer (1,000 lines, a cycle or two of this inventory) so that an outage soon refuses lines
// and the collector must fetch the samples from vCenter again; for the retention test, vCenter keeps
// three samples (6 s) instead of an hour.

const CYCLE_MS = SAMPLE_SECONDS * 1000;
// Retries at most every second, so that the writer notices the sink is back within a cycle.
const SMALL_BUFFER = { VCC_WRITE_MAX_BUFFERED_LINES: '1000', VCC_WRITE_MAX_RETRY_DELAY_SECONDS: '1' };
const RETENTION_SECONDS = String(3 * SAMPLE_SECONDS);

describe('a sink down for 10 cycles (VictoriaMetrics stopped and started again)', () => {
  jest.setTimeout(15 * 60_000);
  let victoria: TimeSeriesServer;
  let cluster: Cluster;
  let sink: Sink;
  beforeAll(async () => {
    victoria = await startVictoriaMetrics();
    sink = { kind: 'influxdb-v2', server: victoria };
    cluster = await Cluster.start({ sink, collector: SMALL_BUFFER });
  });
  afterAll(async () => {
    await cluster?.stop();
    await victoria?.stop();
  });

  it('loses no sample: refused lines are fetched from vCenter again once the sink is back', async () => {
    const collector = await cluster.startCollector('c1');
    await waitForCycles(collector, 2);
    await victoria.pause();
    const down = finishedCycles(collector).length;
    await waitForCycles(collector, down + 10, 20 * CYCLE_MS);
    const refused = await metric(collector.url, 'vcc_collector_vcenter_requests_total{result="refused"}');
    await victoria.resume();
    const up = finishedCycles(collector).length;
    await waitForCycles(collector, up + 3, 10 * CYCLE_MS);
    await waitFor(
      'the write buffer to empty',
      async () => ((await metric(collector.url, 'vcc_collector_lines_buffered')) === 0 ? true : undefined),
      60_000,
    );
    expect(await collector.stop()).toBe(0);

    expect(refused).toBeGreaterThan(0); // the outage really overflowed the buffer
    const cycles = finishedCycles(collector);
    const points = await readPoints(sink);
    const entities = await realtimeEntities(cluster.vcenter);
    expect(
      gaps(
        points,
        entities,
        Date.parse(cycles[0]) / 1000,
        Date.parse(cycles[cycles.length - 1]) / 1000 - SAMPLE_SECONDS,
        SAMPLE_SECONDS,
      ),
    ).toEqual([]);
    expect(wrongValues(points).slice(0, 5)).toEqual([]);
    expect(
      collector.logs().some((l) => /fell out of vCenter's realtime retention/.test(String(l.message))),
    ).toBe(false);
  });
});

describe("a sink down for longer than vCenter's retention", () => {
  jest.setTimeout(10 * 60_000);
  let victoria: TimeSeriesServer;
  let cluster: Cluster;
  beforeAll(async () => {
    victoria = await startVictoriaMetrics();
    cluster = await Cluster.start({
      sink: { kind: 'influxdb-v2', server: victoria },
      simulator: { VCC_PERF_REALTIME_RETENTION_SECONDS: RETENTION_SECONDS },
      collector: { ...SMALL_BUFFER, VCC_PERF_REALTIME_RETENTION_SECONDS: RETENTION_SECONDS },
    });
  });
  afterAll(async () => {
    await cluster?.stop();
    await victoria?.stop();
  });

  it('counts and logs the samples it could not fetch again', async () => {
    const collector = await cluster.startCollector('c1');
    await waitForCycles(collector, 2);
    await victoria.pause();
    const down = finishedCycles(collector).length;
    await waitForCycles(collector, down + 6, 12 * CYCLE_MS);
    await victoria.resume();
    const up = finishedCycles(collector).length;
    await waitForCycles(collector, up + 2, 6 * CYCLE_MS);
    const lost = await metric(collector.url, 'vcc_collector_samples_lost_total');
    expect(await collector.stop()).toBe(0);

    expect(lost).toBeGreaterThan(0);
    const warning = collector
      .logs()
      .find((l) => /fell out of vCenter's realtime retention/.test(String(l.message)));
    expect(warning).toMatchObject({
      level: 'warn',
      message: expect.stringMatching(/^e2e: \d+ entity samples fell out/),
    });
  });
});

describe('a collector killed with SIGKILL (three collectors, InfluxDB 1.6)', () => {
  jest.setTimeout(10 * 60_000);
  let influx: TimeSeriesServer;
  let cluster: Cluster;
  let sink: Sink;
  beforeAll(async () => {
    influx = await startInfluxDb();
    await createInfluxDatabase(influx);
    sink = { kind: 'influxdb-v1', server: influx };
    cluster = await Cluster.start({ sink });
  });
  afterAll(async () => {
    await cluster?.stop();
    await influx?.stop();
  });

  it('has its entities owned again within one cycle after its lease expires, and misses no sample', async () => {
    const names = ['c1', 'c2', 'c3'];
    await Promise.all(names.map((name) => cluster.startCollector(name)));
    const all = (): [string, Map<string, string[]>][] =>
      [...ownership(cluster.collectors)].sort(([a], [b]) => a.localeCompare(b));
    await waitFor(
      'two cycles owned by all three',
      async () => (all().filter(([, by]) => by.size === 3).length >= 2 ? true : undefined),
      240_000,
    );

    const victim = cluster.collectors.get('c2')!;
    victim.process.child.kill('SIGKILL');
    await victim.process.exited;
    const killedAt = Date.now() / 1000;
    const entities = await realtimeEntities(cluster.vcenter);
    const survivors = ['c1', 'c3'];
    const covered = (): [string, Map<string, string[]>][] =>
      all().filter(
        ([boundary, by]) =>
          Date.parse(boundary) / 1000 > killedAt &&
          survivors.every((n) => by.has(n)) &&
          [...by.values()].flat().length === entities.length,
      );
    await waitFor(
      'two cycles covered by the survivors',
      async () => (covered().length >= 2 ? true : undefined),
      240_000,
    );
    for (const name of survivors) expect(await cluster.collectors.get(name)!.stop()).toBe(0);

    // Lease: 3 missed 2 s heartbeats; the reaper runs every second; the new epoch starts at the next
    // cycle boundary at least a heartbeat and the 1 s margin later.
    const firstCovered = Date.parse(covered()[0][0]) / 1000;
    expect(firstCovered - killedAt).toBeLessThanOrEqual(6 + 1 + 2 + 1 + SAMPLE_SECONDS);
    for (const [, by] of covered()) {
      const owned = [...by.values()].flat();
      expect(new Set(owned).size).toBe(owned.length);
      expect(owned.sort()).toEqual(entities);
    }
    const points = await readPoints(sink);
    const boundaries = all().map(([b]) => Date.parse(b) / 1000);
    expect(
      gaps(
        points,
        entities,
        Math.min(...boundaries),
        Math.max(...boundaries) - SAMPLE_SECONDS,
        SAMPLE_SECONDS,
      ),
    ).toEqual([]);
    expect(wrongValues(points).slice(0, 5)).toEqual([]);
  });
});
