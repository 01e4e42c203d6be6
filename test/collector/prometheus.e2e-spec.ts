import { DEFAULT_COUNTERS } from '@vcc/contract';
import { VsphereClient } from '@vcc/vsphere';
import { sampleValue } from '../../apps/simulator/perf/sample-value';
import { Cluster, COUNTERS, SAMPLE_SECONDS, waitForCycles } from './cluster';

interface Exposed {
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition, by metric name. */
function parseExposition(text: string): Map<string, Exposed[]> {
  const byName = new Map<string, Exposed[]>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[key] = value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    const samples = byName.get(match[1]) ?? [];
    samples.push({ labels, value: Number(match[3]) });
    byName.set(match[1], samples);
  }
  return byName;
}

interface Vm {
  moref: string;
  labels: Record<string, string>;
  /** Virtual-disk perf instances, e.g. scsi0:0, read through QueryAvailablePerfMetric. */
  disks: string[];
}

async function poweredOnVms(vcenter: Cluster['vcenter']): Promise<Vm[]> {
  const client = await VsphereClient.connect({
    endpoint: { sdkUrl: vcenter.url, insecure: true },
    credentials: { username: vcenter.username, password: vcenter.password },
    session: { keepAliveMs: 0 },
  });
  try {
    const vms = (await client.inventory()).vms.filter((vm) => vm.powerState === 'poweredOn' && !vm.template);
    return await Promise.all(
      vms.map(async (vm) => {
        const metrics = await client.performance.availableMetrics(
          { type: 'VirtualMachine', value: vm.moref },
          SAMPLE_SECONDS,
        );
        return {
          moref: vm.moref,
          labels: {
            vcenter: 'e2e',
            vm_moref: vm.moref,
            vm_name: vm.name,
            host: vm.hostName ?? '',
            cluster: vm.clusterName ?? '',
            datacenter: vm.datacenterName ?? '',
          },
          disks: [...new Set(metrics.map((m) => m.instance).filter((i) => i.startsWith('scsi')))].sort(),
        };
      }),
    );
  } finally {
    await client.close();
  }
}

/** zROC's trio for a VM at one sample time, recomputed from the simulator's pure sample function. */
function zrocValues(vm: Vm, time: number): Record<string, number> {
  const sum = (counter: string): number =>
    vm.disks.reduce((total, disk) => total + sampleValue(vm.moref, counter, disk, time), 0);
  return {
    vcenter_vm_disk_write_iops: sum('virtualDisk.numberWriteAveraged.average'),
    vcenter_vm_disk_write_throughput_mbps: sum('virtualDisk.write.average') / 1024,
    vcenter_vm_disk_write_latency_ms: sum('virtualDisk.totalWriteLatency.average') / vm.disks.length,
  };
}

describe('a collector with the Prometheus sink, on the vcc simulator', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    // The default VM counters: they must hold what the zROC series are built from.
    cluster = await Cluster.start({
      sink: { kind: 'prometheus' },
      counters: { ...COUNTERS, vm: [...DEFAULT_COUNTERS.vm] },
    });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("serves every VM's zROC disk-write series after a cycle, with the values recomputed from the simulator", async () => {
    const collector = await cluster.startCollector('c1');
    await waitForCycles(collector, 1);
    const exposed = parseExposition(await (await fetch(`${collector.url}/metrics`)).text());
    const vms = await poweredOnVms(cluster.vcenter);
    expect(vms.length).toBeGreaterThan(30);
    expect(vms.every((vm) => vm.disks.length > 0)).toBe(true);

    const valueOf = (name: string, vm: Vm): number | undefined =>
      exposed.get(name)?.find((s) => s.labels.vm_moref === vm.moref)?.value;
    const now = Math.floor(Date.now() / 1000 / SAMPLE_SECONDS) * SAMPLE_SECONDS;
    const problems: string[] = [];
    for (const vm of vms) {
      const series = exposed.get('vcenter_vm_disk_write_iops')?.find((s) => s.labels.vm_moref === vm.moref);
      if (!series) {
        problems.push(`${vm.moref}: no vcenter_vm_disk_write_iops`);
        continue;
      }
      expect(series.labels).toEqual(vm.labels);
      const served = {
        vcenter_vm_disk_write_iops: valueOf('vcenter_vm_disk_write_iops', vm),
        vcenter_vm_disk_write_throughput_mbps: valueOf('vcenter_vm_disk_write_throughput_mbps', vm),
        vcenter_vm_disk_write_latency_ms: valueOf('vcenter_vm_disk_write_latency_ms', vm),
      };
      // The newest sample the cycle read: one of the last few sample times.
      const sampleTimes = Array.from({ length: 30 }, (_, i) => now - SAMPLE_SECONDS * i);
      if (!sampleTimes.some((time) => JSON.stringify(zrocValues(vm, time)) === JSON.stringify(served)))
        problems.push(
          `${vm.moref}: ${JSON.stringify(served)} is no sample time's ${JSON.stringify(zrocValues(vm, now))}`,
        );
      // The default names stay beside them, one series per disk.
      const perDisk = exposed
        .get('vsphere_vm_virtualDisk_numberWriteAveraged_average')
        ?.filter((s) => s.labels.vm_moref === vm.moref)
        .map((s) => s.labels.instance)
        .sort();
      if (JSON.stringify(perDisk) !== JSON.stringify(vm.disks))
        problems.push(
          `${vm.moref}: per-disk series ${JSON.stringify(perDisk)}, disks ${JSON.stringify(vm.disks)}`,
        );
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });
});
