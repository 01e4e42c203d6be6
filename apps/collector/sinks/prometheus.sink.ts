import { Gauge, register } from 'prom-client';
import type { LineBatch, Sink } from './sink';

const LABELS = ['vcenter', 'datacenter', 'cluster', 'host', 'vm_name', 'vm_moref', 'instance'] as const;
type Label = (typeof LABELS)[number];

/** Line-protocol tag → exporter label (the names vmware_exporter and zROC users query by). */
const TAG_TO_LABEL: Record<string, Label> = {
  vcenter: 'vcenter',
  dcname: 'datacenter',
  clustername: 'cluster',
  esxhostname: 'host',
  vmname: 'vm_name',
  instance: 'instance',
};

/** Series not refreshed for this long are dropped, so deleted VMs do not linger. */
const STALE_AFTER_MS = 15 * 60_000;

function unescape(text: string): string {
  return text.includes('\\') ? text.replace(/\\(.)/g, '$1') : text;
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

/**
 * Exporter mode: the latest value of every series as a Prometheus gauge on the collector's own
 * /metrics, named `<measurement>_<field>` (e.g. vsphere_vm_cpu_usage_average) with labels vm_name,
 * vm_moref, cluster, host, datacenter, vcenter and instance. Acknowledges at once.
 */
export class PrometheusSink implements Sink {
  readonly name = 'prometheus';
  private readonly gauges = new Map<string, Gauge<Label>>();
  private readonly seen = new Map<
    string,
    { gauge: Gauge<Label>; labels: Record<Label, string>; at: number }
  >();

  async write(batch: LineBatch): Promise<void> {
    const now = Date.now();
    for (const line of batch.lines.toString('utf8').split('\n')) {
      if (!line) continue;
      const [head, fields] = splitUnescaped(line, ' ');
      const [measurement, ...tags] = splitUnescaped(head, ',');
      const labels = {
        vcenter: '',
        datacenter: '',
        cluster: '',
        host: '',
        vm_name: '',
        vm_moref: '',
        instance: '',
      } as Record<Label, string>;
      let moid = '';
      for (const tag of tags) {
        const [key, value] = splitUnescaped(tag, '=');
        if (key === 'moid') moid = unescape(value);
        const label = TAG_TO_LABEL[key];
        if (label) labels[label] = unescape(value);
      }
      if (measurement.startsWith('vsphere_vm_')) labels.vm_moref = moid;
      for (const field of splitUnescaped(fields, ',')) {
        const [key, value] = splitUnescaped(field, '=');
        const name = `${unescape(measurement)}_${unescape(key)}`.replace(/[^a-zA-Z0-9_:]/g, '_');
        const gauge = this.gauge(name);
        gauge.set(labels, Number(value.replace(/i$/, '')));
        this.seen.set(`${name}|${moid}|${labels.instance}`, { gauge, labels, at: now });
      }
    }
    for (const [key, entry] of this.seen) {
      if (now - entry.at > STALE_AFTER_MS) {
        entry.gauge.remove(entry.labels);
        this.seen.delete(key);
      }
    }
  }

  private gauge(name: string): Gauge<Label> {
    let gauge = this.gauges.get(name);
    if (!gauge) {
      gauge =
        (register.getSingleMetric(name) as Gauge<Label> | undefined) ??
        new Gauge({ name, help: `vSphere ${name} (latest sample)`, labelNames: LABELS });
      this.gauges.set(name, gauge);
    }
    return gauge;
  }

  async close(): Promise<void> {}
}
