import { startInfluxDb, type TimeSeriesServer } from '../support/time-series';
import { waitFor } from '../support/processes';
import {
  Cluster,
  createInfluxDatabase,
  gaps,
  ownership,
  readPoints,
  realtimeEntities,
  SAMPLE_SECONDS,
  wrongValues,
  type Sink,
} from './cluster';

// On the e2e clock (2 s realtime samples and cycles, vCenter's 20 s divided by ten). The sink
// fault tests moved to test/reliability/sink.e2e-spec.ts.

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
