import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Client } from 'pg';
import type { RegistrationResponse } from '@vcc/contract';
import { startVictoriaMetrics, type TimeSeriesServer } from '../support/time-series';
import { waitFor } from '../support/processes';
import {
  Cluster,
  COLLECTOR_TOKEN,
  finishedCycles,
  gaps,
  metric,
  ownership,
  readPoints,
  realtimeEntities,
  SAMPLE_SECONDS,
  TIME_SCALE,
  waitForCycles,
  wrongValues,
  type Point,
  type Sink,
} from '../collector/cluster';
import type { RunningApp } from '../support/apps';

// Sink faults (issue 16, items 6, 7 and 14), on the e2e time scale: 2 s realtime samples and cycles
// (vCenter's 20 s divided by ten). A small write buffer (1,000 lines, a cycle or two of this
// inventory) makes an outage soon refuse lines, so the collector must fetch the samples from
// vCenter again; for the retention tests vCenter keeps a few samples instead of an hour.

const CYCLE_MS = SAMPLE_SECONDS * 1000;
// Retries at most every second, so that the writer notices the sink is back within a cycle.
const SMALL_BUFFER = { VCC_WRITE_MAX_BUFFERED_LINES: '1000', VCC_WRITE_MAX_RETRY_DELAY_SECONDS: '1' };
// Ten samples: long enough that the takeover span (two 6 s leases and two cycles) lies inside it,
// so that only the handed-over watermark can account for what the dead collector never wrote.
const RETENTION_SECONDS = 10 * SAMPLE_SECONDS;

// One limit for every test and hook of the file (jest.setTimeout sets the file's default, so a
// call per describe would only make the last one count); generous for a loaded 2-core machine.
jest.setTimeout(6 * 60_000);

describe('a sink down for 10 minutes of test time (VictoriaMetrics stopped and started again)', () => {
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
    // 30 cycles of 2 s: 60 s, ten minutes of vCenter's clock.
    await waitForCycles(collector, down + 30, 60 * CYCLE_MS);
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
    const from = Date.parse(cycles[0]) / 1000;
    const to = Date.parse(cycles[cycles.length - 1]) / 1000 - SAMPLE_SECONDS;
    const missing = gaps(points, entities, from, to, SAMPLE_SECONDS);
    const expected = entities.length * Math.floor((to - from) / SAMPLE_SECONDS);
    console.log(
      `reliability: sink down ${up - down} cycles (${(((up - down) * SAMPLE_SECONDS * TIME_SCALE) / 60).toFixed(1)} min of vCenter time), ${refused} requests refused by the full buffer; ${missing.length} series with gaps among ~${expected} entity samples`,
    );
    expect(missing).toEqual([]);
    expect(wrongValues(points).slice(0, 5)).toEqual([]);
    expect(
      collector.logs().some((l) => /fell out of vCenter's realtime retention/.test(String(l.message))),
    ).toBe(false);
  });
});

describe("a sink down longer than vCenter's retention, then the collector SIGKILLed with a full buffer", () => {
  let victoria: TimeSeriesServer;
  let cluster: Cluster;
  let sink: Sink;
  beforeAll(async () => {
    victoria = await startVictoriaMetrics();
    sink = { kind: 'influxdb-v2', server: victoria };
    const retention = { VCC_PERF_REALTIME_RETENTION_SECONDS: String(RETENTION_SECONDS) };
    cluster = await Cluster.start({
      sink,
      simulator: retention,
      collector: { ...SMALL_BUFFER, ...retention },
    });
  });
  afterAll(async () => {
    await cluster?.stop();
    await victoria?.stop();
  });

  it("counts and logs what fell out of retention, and the next owner backfills from the dead collector's watermarks", async () => {
    const c1 = await cluster.startCollector('c1');
    await waitForCycles(c1, 2);
    await victoria.pause();
    // Down longer than the retention: c1 counts and logs the samples it can no longer read.
    await waitFor('c1 to count lost samples', async () => (lostIn(c1) > 0 ? true : undefined), 30 * CYCLE_MS);
    const countedByC1Alive = await metric(c1.url, 'vcc_collector_samples_lost_total');
    const refused = await metric(c1.url, 'vcc_collector_vcenter_requests_total{result="refused"}');
    // A few cycles more with the write buffer full, then the collector dies with it.
    await waitForCycles(c1, finishedCycles(c1).length + 3, 10 * CYCLE_MS);
    c1.process.child.kill('SIGKILL');
    await c1.process.exited;
    const killedAt = Date.now() / 1000;
    await victoria.resume();

    const c2 = await cluster.startCollector('c2');
    const entities = await realtimeEntities(cluster.vcenter);
    const ownsAll = (): string[] =>
      [...ownership(cluster.collectors)]
        .filter(
          ([boundary, by]) =>
            Date.parse(boundary) / 1000 > killedAt && by.get('c2')?.length === entities.length,
        )
        .map(([boundary]) => boundary)
        .sort();
    await waitFor(
      'c2 to own every entity for 3 cycles',
      async () => (ownsAll().length >= 3 ? true : undefined),
      40 * CYCLE_MS,
    );
    await waitFor(
      "c2's write buffer to empty",
      async () => ((await metric(c2.url, 'vcc_collector_lines_buffered')) === 0 ? true : undefined),
      60_000,
    );
    const countedByC2 = await metric(c2.url, 'vcc_collector_samples_lost_total');
    expect(await c2.stop()).toBe(0);

    const points = await readPoints(sink);
    // When c2's first cycle owning everything really ran (a loaded machine runs it late): the
    // oldest sample vCenter held then is one retention earlier.
    const c2AllLine = c2
      .logs()
      .find((l) => String(l.message).startsWith(`realtime cycle ${ownsAll()[0]}: `))!;
    const c2AllRan =
      (Date.parse(String(c2AllLine.time)) - Number(/in (\d+) ms$/.exec(String(c2AllLine.message))![1])) /
      1000;
    const from = Date.parse(finishedCycles(c1)[0]) / 1000;
    const to = Date.parse(ownsAll()[ownsAll().length - 1]) / 1000 - SAMPLE_SECONDS;
    const missing = missingSamples(points, entities, from, to);
    const counted = lostIn(c1) + countedByC2;
    console.log(
      `reliability: sink down ${Math.round(killedAt - from)} s with ${RETENTION_SECONDS} s retention, c1 SIGKILLed with a full buffer (${refused} requests refused): ` +
        `${missing} entity samples missing in the sink, ${counted} counted lost (c1 ${lostIn(c1)}, c2 ${countedByC2}) of ${entities.length} entities`,
    );
    // 6: the collector counted (metric) and logged the loss while the sink was down.
    expect(countedByC1Alive).toBeGreaterThan(0);
    expect(lostIn(c1)).toBeGreaterThanOrEqual(countedByC1Alive);
    expect(refused).toBeGreaterThan(0);
    // 14: what vCenter still held when c2 took everything over is all written, but for the oldest
    // samples: they can leave the retention between the cycle's start and its query, seconds
    // apart on a loaded machine (they are counted lost then) …
    expect(
      gaps(points, entities, c2AllRan - RETENTION_SECONDS + 4 * SAMPLE_SECONDS, to, SAMPLE_SECONDS),
    ).toEqual([]);
    expect(wrongValues(points).slice(0, 5)).toEqual([]);
    // … and every sample missing before it is counted: c2 started at c1's reported watermark, not
    // at the usual takeover span, which would have left the samples before that span uncounted.
    // c1's watermark leaves out what it had counted while lines below it waited in its buffer (it
    // died with them), so c2 counts that part again: at most c1's own count. Boundaries allow two
    // samples per entity either way: the oldest sample can leave vCenter's retention between c2
    // reading the clock and its query (neither written nor counted), or be counted by both.
    // Without the handed-over watermark c2 counts nothing at all here.
    expect(missing).toBeGreaterThan(0);
    expect(countedByC2).toBeGreaterThan(0);
    expect(lostIn(c2)).toBe(countedByC2);
    expect(counted).toBeGreaterThanOrEqual(missing - 2 * entities.length);
    expect(counted - missing).toBeLessThanOrEqual(lostIn(c1) + 2 * entities.length);
  });

  it('keeps only the watermarks of groups the reporting collector holds, and hands them out with the assignment', async () => {
    const json = { 'Content-Type': 'application/json', Authorization: `Bearer ${COLLECTOR_TOKEN}` };
    const registered = (await (
      await fetch(`${cluster.controller.url}/api/v1/collectors/register`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ name: 'probe', version: 'e2e' }),
      })
    ).json()) as RegistrationResponse;
    const held = registered.assignment!;
    expect(held.watermarks?.length).toBeGreaterThan(0); // c1's and c2's marks, for the newcomer
    const mark = (vcenterId: string, groupCount: number, groupIndex: number) => ({
      vcenterId,
      groupCount,
      groupIndex,
      writtenUpTo: '2099-01-01T00:00:00.000Z',
    });
    const heartbeat = (watermarks: unknown[]) =>
      fetch(`${cluster.controller.url}/api/v1/collectors/${registered.collectorId}/heartbeat`, {
        method: 'POST',
        headers: { ...json, 'X-Collector-Secret': registered.secret },
        body: JSON.stringify({
          stats: {
            cycleStart: new Date().toISOString(),
            ...{ entitiesAssigned: 0, entitiesCollected: 0, points: 0, durationMs: 0, errors: 0 },
            watermarks,
          },
        }),
      });
    const bad = await heartbeat([{ ...mark(held.vcenter.id, 2, 0), groupIndex: -1 }]);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('groupIndex');
    const index = held.groupIndices[0];
    const ok = await heartbeat([
      mark(held.vcenter.id, held.groupCount, index), // held: kept
      mark(held.vcenter.id, held.groupCount + 7, index), // another group count: ignored
      mark('00000000-0000-4000-8000-000000000000', held.groupCount, index), // another vCenter: ignored
    ]);
    expect(ok.status).toBe(200);
    const client = new Client({ connectionString: cluster.database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ group_count: number; group_index: number }>(
        `SELECT group_count, group_index FROM realtime_watermark WHERE written_up_to > '2098-01-01'`,
      );
      console.log(
        `reliability: a collector holding group ${index}/${held.groupCount} reported 3 marks; kept ${JSON.stringify(rows)}`,
      );
      expect(rows).toEqual([{ group_count: held.groupCount, group_index: index }]);
    } finally {
      await client.end();
    }
  });
});

describe('a sink that answers 429 and 503 with Retry-After: 30, then 400', () => {
  let cluster: Cluster;
  let fake: FakeSink;
  beforeAll(async () => {
    fake = await FakeSink.start();
    cluster = await Cluster.start({ sink: { kind: 'prometheus' } });
  });
  afterAll(async () => {
    await cluster?.stop();
    await fake?.stop();
  });

  it('sends the sink nothing for 30 s, and drops a refused batch without retrying it, logging its first line', async () => {
    const collector = await cluster.startCollector('c1', {
      VCC_SINKS: JSON.stringify([
        { type: 'influxdb-v2', url: fake.url, token: 'e2e', org: 'vcc', bucket: 'vcc' },
      ]),
    });
    // The first two requests are held until both are in flight, then answered 429 and 503 at once.
    const throttledAt = await waitFor('the 429 and 503 answers', async () => fake.throttledAt, 20 * CYCLE_MS);
    await waitFor(
      'a request after the pause',
      async () => fake.requests.find((r) => r.at > throttledAt),
      60_000,
    );
    const rejected = fake.requests.find((r) => r.status === 400)!;
    await waitFor(
      'a request written after the 400',
      async () => fake.requests.find((r) => r.status === 204),
      30_000,
    );
    const dropped = await metric(collector.url, 'vcc_collector_lines_failed_total', 'action="dropped"');
    expect(await collector.stop()).toBe(0);

    const quietSeconds =
      (Math.min(...fake.requests.filter((r) => r.at > throttledAt).map((r) => r.at)) - throttledAt) / 1000;
    const logged = collector
      .logs()
      .find((l) => /refused \d+ lines, dropped: HTTP 400/.test(String(l.message)));
    console.log(
      `reliability: after 429 and 503 with Retry-After: 30 the next request came ${quietSeconds.toFixed(1)} s later; ` +
        `the batch answered 400 was sent ${fake.requests.filter((r) => r.hash === rejected.hash && r.at > rejected.at).length} time(s) more, ${dropped} lines dropped; logged: ${String(logged?.message)}`,
    );
    expect(fake.requests.slice(0, 2).map((r) => r.status)).toEqual([429, 503]);
    expect(quietSeconds).toBeGreaterThanOrEqual(30);
    // The 400 is final: the batch (the one answered 429 or 503 before) is never sent again, and
    // the log shows what was refused.
    expect(fake.requests.filter((r) => r.hash === rejected.hash && r.at > rejected.at)).toEqual([]);
    expect(dropped).toBe(rejected.lines.length);
    expect(logged).toMatchObject({ level: 'error' });
    expect(String(logged!.message)).toContain(`; first line: ${rejected.lines[0]}`);
  });
});

/** A request the fake sink got: when, the lines, their digest and the status it answered. */
interface SinkRequest {
  at: number;
  lines: string[];
  hash: string;
  status: number;
}

/**
 * An InfluxDB v2 write endpoint that answers as told: the first two requests 429 and 503 with
 * Retry-After: 30 (the first is held until the second arrives, so both are in flight together),
 * the next one 400, every later one 204.
 */
class FakeSink {
  readonly requests: SinkRequest[] = [];
  /** When the 429 and 503 were sent. */
  throttledAt?: number;
  private held?: () => void;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeSink> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = new FakeSink(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req, res) => void fake.answer(req, res));
    return fake;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
    const request: SinkRequest = {
      at: Date.now(),
      lines: body.toString('utf8').split('\n').filter(Boolean),
      hash: createHash('sha256').update(body).digest('hex'),
      status: 0,
    };
    const index = this.requests.push(request) - 1;
    if (index === 0) {
      await new Promise<void>((resolve) => (this.held = resolve));
    } else if (index === 1) {
      this.throttledAt = Date.now();
      this.held!();
    }
    request.status = index === 0 ? 429 : index === 1 ? 503 : index === 2 ? 400 : 204;
    const headers: Record<string, string> =
      request.status === 429 || request.status === 503 ? { 'Retry-After': '30' } : {};
    res.writeHead(request.status, { 'Content-Type': 'application/json', ...headers });
    res.end(request.status === 400 ? '{"code":"invalid","message":"unable to parse the lines"}' : '');
  }
}

/** Entity samples (per VM or host, by its aggregate cpu.usage.average) missing between `from` and `to`. */
function missingSamples(points: Point[], entities: string[], from: number, to: number): number {
  const times = new Map(entities.map((moid) => [moid, new Set<number>()]));
  for (const p of points)
    if (p.counter === 'cpu.usage.average' && p.instance === '') times.get(p.moid)?.add(p.time);
  let missing = 0;
  for (const [, seen] of times)
    for (let t = Math.ceil(from / SAMPLE_SECONDS) * SAMPLE_SECONDS; t <= to; t += SAMPLE_SECONDS)
      if (!seen.has(t)) missing++;
  return missing;
}

/** The samples a collector logged as fallen out of vCenter's retention. */
function lostIn(app: RunningApp): number {
  return app
    .logs()
    .map((l) => /^e2e: (\d+) entity samples fell out of vCenter's realtime retention/.exec(String(l.message)))
    .reduce((sum, match) => sum + (match ? Number(match[1]) : 0), 0);
}
