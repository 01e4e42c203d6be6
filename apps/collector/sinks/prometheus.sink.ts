import { Gauge, register, type Registry } from 'prom-client';
import type { LineBatch, Sink } from './sink';

const LABELS = ['vcenter', 'datacenter', 'cluster', 'host', 'vm_name', 'vm_moref', 'instance'] as const;
type Label = (typeof LABELS)[number];
type Labels = Record<Label, string>;

/** The labels zROC's planner gives its per-VM series, plus vcenter: morefs repeat across vCenters. */
const ZROC_LABELS = ['vcenter', 'datacenter', 'cluster', 'host', 'vm_name', 'vm_moref'] as const;
type ZrocLabels = Record<(typeof ZROC_LABELS)[number], string>;

/** Line-protocol tag → exporter label (the names vmware_exporter and zROC users query by). */
const TAG_TO_LABEL: Record<string, Label> = {
  vcenter: 'vcenter',
  dcname: 'datacenter',
  clustername: 'cluster',
  esxhostname: 'host',
  vmname: 'vm_name',
  instance: 'instance',
  // Telegraf's schema tags the instance by counter group (libs/vsphere/perf/measurements.ts).
  cpu: 'instance',
  disk: 'instance',
  interface: 'instance',
  lun: 'instance',
  adapter: 'instance',
  path: 'instance',
  resource: 'instance',
  module: 'instance',
};

/** Telegraf's instance tag value for the aggregate, which the exporter labels with an empty instance as vcc's schema does. */
const TELEGRAF_AGGREGATE = 'instance-total';

/** Series not written for this long are dropped, so deleted VMs do not linger. */
const STALE_AFTER_MS = 15 * 60_000;

const SPACE = 0x20;
const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;

/** The newest line written for one line-protocol series (measurement and tag set). */
interface LatestLine {
  measurement: string;
  labels: Labels;
  /** The line's field set as written, e.g. `usage_average=2150i,usagemhz_average=861i`. */
  fields: string;
  /** vCenter's sample time, in seconds. */
  time: number;
  /** When the series was last written (ms), for dropping stale ones. */
  writtenAt: number;
}

/** One VM's virtual-disk write figures at its newest sample time, summed over its disks. */
interface VmDiskWrites {
  labels: ZrocLabels;
  time: number;
  iops?: number;
  kiloBytesPerSecond?: number;
  latencyMsSum?: number;
  latencyCount: number;
}

/**
 * Exporter mode: the latest value of every series on the collector's own /metrics. Writing only
 * files each line under its series key (the line-protocol text before the fields); labels are
 * parsed once per new series, and values and stale series are dealt with when Prometheus scrapes.
 *
 * Names are `<measurement>_<field>` (e.g. vsphere_vm_cpu_usage_average) with labels vm_name,
 * vm_moref, cluster, host, datacenter, vcenter and instance, plus zROC planner's per-VM disk-write
 * trio from the virtualDisk counters: vcenter_vm_disk_write_iops (numberWriteAveraged, summed over
 * the VM's disks), vcenter_vm_disk_write_throughput_mbps (write in KBps, summed, / 1024) and
 * vcenter_vm_disk_write_latency_ms (totalWriteLatency, the mean over the disks), each over the disks
 * that have a sample at the VM's newest sample time. Acknowledges at once.
 */
export class PrometheusSink implements Sink {
  readonly name = 'prometheus';
  private readonly latestBySeries = new Map<string, LatestLine>();
  private readonly gauges = new Map<string, Gauge<Label>>();
  private readonly zroc: Record<'iops' | 'throughput' | 'latency', Gauge<keyof ZrocLabels>>;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly registry: Registry = register) {
    const zrocGauge = (name: string, help: string): Gauge<keyof ZrocLabels> =>
      new Gauge({
        name,
        help,
        labelNames: ZROC_LABELS,
        registers: [registry],
        collect: () => this.refresh(),
      });
    this.zroc = {
      iops: zrocGauge(
        'vcenter_vm_disk_write_iops',
        'Virtual disk write IOPS (virtualDisk.numberWriteAveraged.average, sum over the VM disks)',
      ),
      throughput: zrocGauge(
        'vcenter_vm_disk_write_throughput_mbps',
        'Virtual disk write throughput in MB/s (virtualDisk.write.average KBps / 1024, sum over the VM disks)',
      ),
      latency: zrocGauge(
        'vcenter_vm_disk_write_latency_ms',
        'Virtual disk write latency in ms (virtualDisk.totalWriteLatency.average, mean over the VM disks)',
      ),
    };
  }

  async write(batch: LineBatch): Promise<void> {
    const now = Date.now();
    const lines = batch.lines;
    for (let start = 0; start < lines.length;) {
      let end = lines.indexOf(NEWLINE, start);
      if (end < 0) end = lines.length;
      if (end > start) this.keep(lines, start, end, now);
      start = end + 1;
    }
  }

  async close(): Promise<void> {}

  private keep(lines: Buffer, start: number, end: number, now: number): void {
    const fieldsAt = unescapedSpace(lines, start, end);
    const timeAt = lines.lastIndexOf(SPACE, end - 1);
    if (fieldsAt < 0 || timeAt <= fieldsAt) return;
    const key = lines.toString('utf8', start, fieldsAt);
    const time = Number(lines.toString('latin1', timeAt + 1, end));
    const latest = this.latestBySeries.get(key);
    if (latest === undefined) {
      const fields = lines.toString('utf8', fieldsAt + 1, timeAt);
      const line: LatestLine = { ...parseSeriesKey(key), fields, time, writtenAt: now };
      this.latestBySeries.set(key, line);
      for (const [name] of fieldValues(line)) this.gauge(name);
    } else if (time >= latest.time) {
      latest.fields = lines.toString('utf8', fieldsAt + 1, timeAt);
      latest.time = time;
      latest.writtenAt = now;
    }
  }

  /**
   * Every gauge's collect() calls this during a scrape; the registry calls them all before awaiting
   * any, so one pass over the series serves the whole scrape.
   */
  private refresh(): Promise<void> {
    this.refreshing ??= Promise.resolve().then(() => {
      this.refreshing = undefined;
      this.fill();
    });
    return this.refreshing;
  }

  private fill(): void {
    const now = Date.now();
    for (const gauge of this.gauges.values()) gauge.reset();
    const diskWritesByVm = new Map<string, VmDiskWrites>();
    for (const [key, line] of this.latestBySeries) {
      if (now - line.writtenAt > STALE_AFTER_MS) {
        this.latestBySeries.delete(key);
        continue;
      }
      const values = fieldValues(line);
      for (const [name, value] of values) this.gauge(name).set(line.labels, value);
      if (line.measurement === 'vsphere_vm_virtualDisk') addDiskWrites(diskWritesByVm, line, values);
    }
    for (const gauge of Object.values(this.zroc)) gauge.reset();
    for (const vm of diskWritesByVm.values()) {
      if (vm.iops !== undefined) this.zroc.iops.set(vm.labels, vm.iops);
      if (vm.kiloBytesPerSecond !== undefined)
        this.zroc.throughput.set(vm.labels, vm.kiloBytesPerSecond / 1024);
      if (vm.latencyMsSum !== undefined) this.zroc.latency.set(vm.labels, vm.latencyMsSum / vm.latencyCount);
    }
  }

  /** A gauge first needed during a scrape is registered too late for it and shows from the next one. */
  private gauge(name: string): Gauge<Label> {
    let gauge = this.gauges.get(name);
    if (!gauge) {
      gauge = new Gauge({
        name,
        help: `vSphere ${name} (latest sample)`,
        labelNames: LABELS,
        registers: [this.registry],
        collect: () => this.refresh(),
      });
      this.gauges.set(name, gauge);
    }
    return gauge;
  }
}

/** Metric names by measurement and field key, so that a scrape does not rebuild them per series. */
const metricNames = new Map<string, Map<string, string>>();

/** `<measurement>_<field>` → value for each field of the line: integers (`123i`) or, in Telegraf's schema, floats. */
function fieldValues(line: Pick<LatestLine, 'measurement' | 'fields'>): [string, number][] {
  let names = metricNames.get(line.measurement);
  if (names === undefined) metricNames.set(line.measurement, (names = new Map()));
  return splitUnescaped(line.fields, ',').map((field) => {
    const [key, value] = splitUnescaped(field, '=');
    let name = names.get(key);
    if (name === undefined) {
      name = `${line.measurement}_${unescape(key)}`.replace(/[^a-zA-Z0-9_:]/g, '_');
      names.set(key, name);
    }
    return [name, Number(value.endsWith('i') ? value.slice(0, -1) : value)];
  });
}

function addDiskWrites(byVm: Map<string, VmDiskWrites>, line: LatestLine, values: [string, number][]): void {
  const { labels } = line;
  const vmKey = `${labels.vcenter}\u0000${labels.vm_moref}`;
  let vm = byVm.get(vmKey);
  if (vm === undefined || line.time > vm.time) {
    const { instance: _instance, ...zrocLabels } = labels;
    vm = { labels: zrocLabels, time: line.time, latencyCount: 0 };
    byVm.set(vmKey, vm);
  } else if (line.time < vm.time) return;
  for (const [name, value] of values) {
    if (name === 'vsphere_vm_virtualDisk_numberWriteAveraged_average') vm.iops = (vm.iops ?? 0) + value;
    else if (name === 'vsphere_vm_virtualDisk_write_average')
      vm.kiloBytesPerSecond = (vm.kiloBytesPerSecond ?? 0) + value;
    else if (name === 'vsphere_vm_virtualDisk_totalWriteLatency_average') {
      vm.latencyMsSum = (vm.latencyMsSum ?? 0) + value;
      vm.latencyCount++;
    }
  }
}

/** The measurement and exporter labels of a series key (`measurement,tag=value,…`). */
function parseSeriesKey(key: string): Pick<LatestLine, 'measurement' | 'labels'> {
  const [measurement, ...tags] = splitUnescaped(key, ',');
  const labels: Labels = {
    vcenter: '',
    datacenter: '',
    cluster: '',
    host: '',
    vm_name: '',
    vm_moref: '',
    instance: '',
  };
  const isVm = measurement.startsWith('vsphere_vm_');
  for (const tag of tags) {
    const [name, value] = splitUnescaped(tag, '=');
    if (name === 'moid' && isVm) labels.vm_moref = unescape(value);
    const label = TAG_TO_LABEL[name];
    if (label) labels[label] = label === 'instance' && value === TELEGRAF_AGGREGATE ? '' : unescape(value);
  }
  return { measurement: unescape(measurement), labels };
}

/** Offset of the first space in [start, end) not escaped by a backslash, or -1. */
function unescapedSpace(lines: Buffer, start: number, end: number): number {
  for (let at = lines.indexOf(SPACE, start); at >= 0 && at < end; at = lines.indexOf(SPACE, at + 1)) {
    let backslashes = 0;
    while (at - backslashes - 1 >= start && lines[at - backslashes - 1] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return -1;
}

/** Undoes line-protocol escaping; vcc writes a newline in a tag value as `\n`. */
function unescape(text: string): string {
  return text.includes('\\') ? text.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)) : text;
}

/** Splits on `separator` where it is not escaped by a backslash. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
