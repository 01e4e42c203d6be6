import { VsphereClient, type Inventory } from '@vcc/vsphere';
import type { RunningApp } from '../support/apps';
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

/** The inventory as vCenter reports it. */
async function readInventory(vcenter: Cluster['vcenter']): Promise<Inventory> {
  const client = await VsphereClient.connect({
    endpoint: { sdkUrl: vcenter.url, insecure: true },
    credentials: { username: vcenter.username, password: vcenter.password },
    session: { keepAliveMs: 0 },
  });
  try {
    return await client.inventory();
  } finally {
    await client.close();
  }
}

/** Waits for the realtime cycle at the first boundary after `changedAt` (s) and for its lines to be written. */
async function cycleAfter(collector: RunningApp, changedAt: number): Promise<number> {
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
  return next;
}

describe('VMs powered on mid-run', () => {
  jest.setTimeout(5 * 60_000);
  let victoria: TimeSeriesServer;
  let cluster: Cluster;
  let sink: Sink;
  let collector: RunningApp;
  beforeAll(async () => {
    victoria = await startVictoriaMetrics();
    sink = { kind: 'influxdb-v2', server: victoria };
    cluster = await Cluster.start({ sink });
    collector = await cluster.startCollector('c1');
  });
  afterAll(async () => {
    await cluster?.stop();
    await victoria?.stop();
  });

  it('are collected in the next realtime cycle, with every sample since their power-on', async () => {
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
    const { bootTimeByMoref } = await readInventory(cluster.vcenter);
    const booted = new Map(poweredOn.map((vm) => [vm, bootTimeByMoref.get(vm)! / 1000]));

    // The first boundary after the changes; its cycle must have read them all.
    const next = await cycleAfter(collector, changedAt);
    const nextIso = new Date(next * 1000).toISOString();
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
  it('tag a VM that moved to another host with its new host from the next cycle', async () => {
    // Creations begun by the test above complete at the next change; once the collector has seen
    // them, only moves follow, so the entities it collects (and its prepared requests) stay the same.
    await admin(cluster.simulator!, 'POST', 'inventory-changes', { count: 1, change: 'migrate' });
    await cycleAfter(collector, Date.now() / 1000 + CYCLE_SECONDS);

    const answer = await admin(cluster.simulator!, 'POST', 'inventory-changes', {
      count: 5,
      change: 'migrate',
    });
    const { events } = JSON.parse(answer.body) as { events: { type: string; vm: string }[] };
    const moved = new Set(events.filter((e) => e.type === 'VmMigratedEvent').map((e) => e.vm));
    const next = await cycleAfter(collector, Date.now() / 1000);

    const hostOf = new Map((await readInventory(cluster.vcenter)).vms.map((vm) => [vm.moref, vm.hostName]));
    const newest = (await readPoints(sink)).filter((p) => moved.has(p.moid) && p.time === next);
    const sampled = [...new Set(newest.map((p) => p.moid))];
    expect(sampled.length).toBeGreaterThan(0);
    for (const vm of sampled) {
      const hosts = [...new Set(newest.filter((p) => p.moid === vm).map((p) => p.host))];
      expect({ vm, hosts }).toEqual({ vm, hosts: [hostOf.get(vm)] });
    }
  });
});
