import { VsphereClient } from '@vcc/vsphere';
import { admin } from '../simulator/simulator';
import { waitFor } from '../support/processes';
import { startVictoriaMetrics, type TimeSeriesServer } from '../support/time-series';
import {
  Cluster,
  finishedCycles,
  gaps,
  metric,
  readPoints,
  SAMPLE_SECONDS,
  waitForCycles,
  wrongValues,
  type Sink,
} from './cluster';

// Time scale: the cluster tests' (samples and cycles every SAMPLE_SECONDS). The inventory refresh
// keeps its 10-minute default: the test is over long before it, so only the event watch can bring
// the new VMs in.

const CYCLE_SECONDS = SAMPLE_SECONDS;

/** Boot times (Unix seconds) of the given VMs, as vCenter reports them. */
async function bootTimes(vcenter: Cluster['vcenter'], morefs: string[]): Promise<Map<string, number>> {
  const client = await VsphereClient.connect({
    endpoint: { sdkUrl: vcenter.url, insecure: true },
    credentials: { username: vcenter.username, password: vcenter.password },
    session: { keepAliveMs: 0 },
  });
  try {
    const { bootTimeByMoref } = await client.inventory();
    return new Map(morefs.map((moref) => [moref, bootTimeByMoref.get(moref)! / 1000]));
  } finally {
    await client.close();
  }
}

describe('VMs powered on mid-run', () => {
  jest.setTimeout(5 * 60_000);
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

  it('are collected in the next realtime cycle, with every sample since their power-on', async () => {
    const collector = await cluster.startCollector('c1');
    const before = await waitForCycles(collector, 2);

    // Right after a cycle, so that samples pile up until the next boundary: inventory changes as a
    // busy vCenter sees them (creations, migrations, power-offs...) until some VMs were powered on.
    const running = new Set<string>();
    for (let step = 0; step < 40 && running.size < 2; step++) {
      const answer = await admin(cluster.simulator!, 'POST', 'inventory-changes', { count: 1 });
      const { events } = JSON.parse(answer.body) as { events: { type: string; vm: string }[] };
      for (const { type, vm } of events)
        if (type === 'VmPoweredOnEvent') running.add(vm);
        else if (type === 'VmPoweredOffEvent') running.delete(vm);
    }
    const changedAt = Date.now() / 1000;
    const poweredOn = [...running];
    expect(poweredOn.length).toBeGreaterThan(0);
    const booted = await bootTimes(cluster.vcenter, poweredOn);

    // The first boundary after the changes; its cycle must have read them all.
    const next = Math.ceil(changedAt / CYCLE_SECONDS) * CYCLE_SECONDS;
    const nextIso = new Date(next * 1000).toISOString();
    await waitFor(
      `the realtime cycle at ${nextIso}`,
      async () => (finishedCycles(collector).includes(nextIso) ? true : undefined),
      3 * CYCLE_SECONDS * 1000,
    );
    await waitFor(
      'the write buffer to empty',
      async () => ((await metric(collector.url, 'vcc_collector_lines_buffered')) === 0 ? true : undefined),
      30_000,
    );
    expect(before).not.toContain(nextIso);

    const points = await readPoints(sink);
    for (const vm of poweredOn) {
      const boot = booted.get(vm)!;
      const ofVm = points.filter((p) => p.moid === vm);
      // Every series of the VM, from the first sample after its power-on to the boundary.
      expect({ vm, gaps: gaps(ofVm, [vm], boot, next, SAMPLE_SECONDS) }).toEqual({ vm, gaps: [] });
      expect(Math.min(...ofVm.map((p) => p.time))).toBe(Math.ceil(boot / SAMPLE_SECONDS) * SAMPLE_SECONDS);
    }
    expect(wrongValues(points).slice(0, 5)).toEqual([]);
    const cycle = collector
      .logs()
      .map((line) => String(line.message))
      .find((message) => message.startsWith(`realtime cycle ${nextIso}:`));
    expect(cycle).toMatch(/\(0 failed, 0 refused\)/);
  });
});
