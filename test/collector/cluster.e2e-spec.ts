import { startVictoriaMetrics, type TimeSeriesServer } from '../support/time-series';
import { startVcsim } from '../support/vcsim';
import { waitFor } from '../support/processes';
import {
  Cluster,
  gaps,
  ownership,
  readPoints,
  realtimeEntities,
  SAMPLE_SECONDS,
  wrongValues,
  type Sink,
} from './cluster';

// Time scale: the e2e clock (2 s realtime samples and cycles); membership on a 2 s heartbeat.

/** Boundaries at which every named collector reported what it owned. */
function fullCycles(
  owners: Map<string, Map<string, string[]>>,
  names: string[],
): [string, Map<string, string[]>][] {
  return [...owners]
    .filter(([, byCollector]) => names.every((n) => byCollector.has(n)))
    .sort(([a], [b]) => a.localeCompare(b));
}

async function runThreeCollectors(
  cluster: Cluster,
  cycles: number,
): Promise<[string, Map<string, string[]>][]> {
  const names = ['c1', 'c2', 'c3'];
  await Promise.all(names.map((name) => cluster.startCollector(name)));
  await waitFor(
    `${cycles} cycles owned by all three collectors`,
    async () => (fullCycles(ownership(cluster.collectors), names).length >= cycles ? true : undefined),
    300_000,
  );
  // Graceful stops drain the sinks, so everything collected is written before the checks.
  for (const collector of cluster.collectors.values()) expect(await collector.stop()).toBe(0);
  return fullCycles(ownership(cluster.collectors), names);
}

function expectOneOwnerEach(cycles: [string, Map<string, string[]>][], entities: string[]): void {
  for (const [boundary, byCollector] of cycles) {
    const all = [...byCollector.values()].flat().sort();
    expect({ boundary, owned: all }).toEqual({ boundary, owned: entities });
    expect(new Set(all).size).toBe(all.length);
  }
}

describe('three collectors on the vcc simulator, writing to VictoriaMetrics (InfluxDB v2 API)', () => {
  let victoria: TimeSeriesServer;
  let cluster: Cluster;
  let sink: Sink;
  beforeAll(async () => {
    victoria = await startVictoriaMetrics();
    sink = { kind: 'influxdb-v2', server: victoria };
    cluster = await Cluster.start({ sink });
  });
  afterAll(async () => {
    await cluster?.stop();
    await victoria?.stop();
  });

  it("queries each entity by exactly one collector per cycle and writes every sample with the simulator's values", async () => {
    const cycles = await runThreeCollectors(cluster, 3);
    const entities = await realtimeEntities(cluster.vcenter);
    expect(entities.length).toBeGreaterThan(30);
    expect(cycles.length).toBeGreaterThanOrEqual(3);
    expectOneOwnerEach(cycles, entities);

    const points = await readPoints(sink);
    // From the first cycle any collector ran: the window spans the epoch changes as c2 and c3 joined.
    const from = Math.min(...[...ownership(cluster.collectors).keys()].map((b) => Date.parse(b) / 1000));
    const to = Date.parse(cycles[cycles.length - 1][0]) / 1000 - SAMPLE_SECONDS;
    expect(gaps(points, entities, from, to, SAMPLE_SECONDS)).toEqual([]);
    expect(points.length).toBeGreaterThan(entities.length * 3);
    expect(wrongValues(points).slice(0, 5)).toEqual([]);
    // Clusters and datastores come from the historical schedule, with the same pure values.
    expect(points.some((p) => p.kind === 'cluster')).toBe(true);
  });
});

describe('three collectors on govmomi vcsim', () => {
  let victoria: TimeSeriesServer;
  let cluster: Cluster;
  beforeAll(async () => {
    victoria = await startVictoriaMetrics();
    const vcsim = await startVcsim({ clusters: 2, hostsPerCluster: 2, vmsPerHost: 5 });
    cluster = await Cluster.start({ sink: { kind: 'influxdb-v2', server: victoria } }, vcsim);
  });
  afterAll(async () => {
    await cluster?.stop();
    await victoria?.stop();
  });

  it('shares the entities one owner each and writes data for every one (vcsim values are random)', async () => {
    const cycles = await runThreeCollectors(cluster, 2);
    const entities = await realtimeEntities(cluster.vcenter);
    expectOneOwnerEach(cycles, entities);
    const points = await readPoints({ kind: 'influxdb-v2', server: victoria });
    const withData = new Set(points.filter((p) => p.counter === 'cpu.usage.average').map((p) => p.moid));
    expect(entities.filter((e) => !withData.has(e))).toEqual([]);
  });
});
