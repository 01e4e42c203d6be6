import { Registry } from 'prom-client';
import { PrometheusSink } from './prometheus.sink';
import type { LineBatch } from './sink';

function batch(...lines: string[]): LineBatch {
  return { lines: Buffer.from(lines.map((line) => `${line}\n`).join('')), lineCount: lines.length };
}

/** Every sample the registry exposes, as `name{label="value",…}` → value, labels sorted. */
async function scrape(registry: Registry): Promise<Record<string, number>> {
  const exposed: Record<string, number> = {};
  for (const metric of await registry.getMetricsAsJSON())
    for (const { labels, value } of metric.values) {
      const text = Object.entries(labels)
        .filter(([, v]) => v !== '')
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      exposed[`${metric.name}{${text}}`] = value;
    }
  return exposed;
}

const VM = 'clustername=prod,dcname=dc1,esxhostname=esx-1,moid=vm-7,rpname=Gold,vcenter=vc1,vmname=db\\ 01';
const VM_LABELS =
  'cluster="prod",datacenter="dc1",host="esx-1",vcenter="vc1",vm_moref="vm-7",vm_name="db 01"';

describe('PrometheusSink', () => {
  afterEach(() => jest.useRealTimers());

  it('exposes the newest sample of every series as <measurement>_<field>, with exporter labels', async () => {
    const registry = new Registry();
    const sink = new PrometheusSink(registry);
    await sink.write(
      batch(
        `vsphere_vm_cpu,${VM} usage_average=2150i,usagemhz_average=861i 1795347240`,
        `vsphere_vm_cpu,clustername=prod,dcname=dc1,esxhostname=esx-1,instance=0,moid=vm-7,vcenter=vc1,vmname=db\\ 01 usage_average=3000i 1795347240`,
        `vsphere_host_cpu,clustername=prod,dcname=dc1,esxhostname=esx\\,1,moid=host-3,vcenter=vc1 usage_average=4200i 1795347240`,
      ),
    );
    // A newer sample replaces the value; an older one (a backfill arriving late) does not.
    await sink.write(batch(`vsphere_vm_cpu,${VM} usage_average=2500i,usagemhz_average=900i 1795347260`));
    await sink.write(batch(`vsphere_vm_cpu,${VM} usage_average=1i,usagemhz_average=1i 1795347220`));

    expect(await scrape(registry)).toEqual({
      [`vsphere_vm_cpu_usage_average{${VM_LABELS}}`]: 2500,
      [`vsphere_vm_cpu_usagemhz_average{${VM_LABELS}}`]: 900,
      [`vsphere_vm_cpu_usage_average{cluster="prod",datacenter="dc1",host="esx-1",instance="0",vcenter="vc1",vm_moref="vm-7",vm_name="db 01"}`]: 3000,
      'vsphere_host_cpu_usage_average{cluster="prod",datacenter="dc1",host="esx,1",vcenter="vc1"}': 4200,
    });
  });

  it("reads Telegraf's schema: the instance under its group's tag, instance-total as the aggregate, floats", async () => {
    const registry = new Registry();
    const sink = new PrometheusSink(registry);
    await sink.write(
      batch(
        `vsphere_vm_cpu,cpu=instance-total,${VM},source=db\\ 01 usage_average=21.5,usagemhz_average=861i 1795347240`,
        `vsphere_vm_virtualDisk,${VM.replace(',moid', ',disk=scsi0:1,moid')},source=db\\ 01 write_average=120i 1795347240`,
      ),
    );
    expect(await scrape(registry)).toEqual({
      [`vsphere_vm_cpu_usage_average{${VM_LABELS}}`]: 21.5,
      [`vsphere_vm_cpu_usagemhz_average{${VM_LABELS}}`]: 861,
      [`vsphere_vm_virtualDisk_write_average{${VM_LABELS.replace(',vcenter', ',instance="scsi0:1",vcenter')}}`]: 120,
      [`vcenter_vm_disk_write_throughput_mbps{${VM_LABELS}}`]: 120 / 1024,
    });
  });

  it("sums zROC's write IOPS and MB/s over a VM's disks and averages their latency, at the VM's newest sample time", async () => {
    const registry = new Registry();
    const sink = new PrometheusSink(registry);
    const disk = (instance: string, fields: string, time: number): string =>
      `vsphere_vm_virtualDisk,${VM.replace('moid=', `instance=${instance},moid=`)} ${fields} ${time}`;
    await sink.write(
      batch(
        disk(
          'scsi0:0',
          'numberWriteAveraged_average=120i,write_average=2048i,totalWriteLatency_average=3i',
          1795347260,
        ),
        disk(
          'scsi0:1',
          'numberWriteAveraged_average=30i,write_average=1024i,totalWriteLatency_average=8i',
          1795347260,
        ),
        // A disk whose newest sample is older than the VM's (removed, or no data since) does not count.
        disk(
          'scsi0:2',
          'numberWriteAveraged_average=999i,write_average=999i,totalWriteLatency_average=999i',
          1795347240,
        ),
        `vsphere_vm_virtualDisk,clustername=prod,dcname=dc1,esxhostname=esx-2,instance=scsi0:0,moid=vm-8,vcenter=vc1,vmname=web numberWriteAveraged_average=5i 1795347260`,
      ),
    );

    const exposed = await scrape(registry);
    expect(exposed[`vcenter_vm_disk_write_iops{${VM_LABELS}}`]).toBe(150);
    expect(exposed[`vcenter_vm_disk_write_throughput_mbps{${VM_LABELS}}`]).toBe(3);
    expect(exposed[`vcenter_vm_disk_write_latency_ms{${VM_LABELS}}`]).toBe(5.5);
    const web = 'cluster="prod",datacenter="dc1",host="esx-2",vcenter="vc1",vm_moref="vm-8",vm_name="web"';
    expect(exposed[`vcenter_vm_disk_write_iops{${web}}`]).toBe(5);
    // Counters the VM has no sample of are not made up.
    expect(exposed[`vcenter_vm_disk_write_latency_ms{${web}}`]).toBeUndefined();
    expect(
      exposed[
        `vsphere_vm_virtualDisk_write_average{${VM_LABELS.replace('vcenter=', 'instance="scsi0:0",vcenter=')}}`
      ],
    ).toBe(2048);
  });

  it('drops series that were not written for 15 minutes', async () => {
    jest.useFakeTimers({
      now: Date.parse('2026-11-29T10:00:00Z'),
      doNotFake: ['queueMicrotask', 'nextTick'],
    });
    const registry = new Registry();
    const sink = new PrometheusSink(registry);
    await sink.write(batch(`vsphere_vm_cpu,${VM} usage_average=2150i 1795347240`));
    jest.setSystemTime(Date.parse('2026-11-29T10:10:00Z'));
    await sink.write(
      batch(`vsphere_host_cpu,esxhostname=esx-1,moid=host-3,vcenter=vc1 usage_average=4200i 1795347840`),
    );
    jest.setSystemTime(Date.parse('2026-11-29T10:16:00Z'));

    expect(await scrape(registry)).toEqual({
      'vsphere_host_cpu_usage_average{host="esx-1",vcenter="vc1"}': 4200,
    });
  });
});
