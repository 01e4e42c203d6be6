import { startVictoriaMetrics, type TimeSeriesServer } from '../support/time-series';
import { waitFor } from '../support/processes';
import {
  Cluster,
  finishedCycles,
  gaps,
  metric,
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
