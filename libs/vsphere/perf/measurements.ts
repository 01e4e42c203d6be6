import type { EntityKind } from '../inventory.types';
import { escapeMeasurement, escapeTag } from '../line-protocol';
import type { PerfCounter } from '../performance-manager';
import type { CounterField } from './query-perf.parser';

/**
 * The shape of the lines: `telegraf` writes what Telegraf's inputs.vsphere writes, so that
 * dashboards built for it work unchanged; `vcc` is vcc's own, older shape (see the README, "Data
 * written to InfluxDB").
 */
export type LineSchema = 'telegraf' | 'vcc';

type Counter = Pick<PerfCounter, 'group' | 'counter' | 'rollup' | 'unit'>;

/**
 * Telegraf's instance tag by counter, from populateTags in plugins/inputs/vsphere/endpoint.go: the
 * first prefix of the counter's full name that matches names the tag; any other counter gets
 * `instance`, and only for a real instance (its aggregate has no instance tag). Datastore counters
 * also write the instance as `dsname` (Telegraf's value when the LUN is not a datastore it knows).
 */
const TELEGRAF_INSTANCE_TAGS: [prefix: string, keys: string[]][] = [
  ['cpu.', ['cpu']],
  ['datastore.', ['dsname', 'lun']],
  ['disk.', ['disk']],
  ['net.', ['interface']],
  ['storageAdapter.', ['adapter']],
  ['storagePath.', ['path']],
  ['sys.resource', ['resource']],
  ['vflashModule.', ['module']],
  ['virtualDisk.', ['disk']],
];

/**
 * Where a counter's values go. Both schemas name the measurement `vsphere_<kind>_<group>`; the field
 * is `<counter>_<rollup>`, with Telegraf joining every part of the name with `_`
 * (makeMetricIdentifier in endpoint.go: net.throughput.usage.average → throughput_usage_average).
 */
export function counterField(kind: EntityKind, counter: Counter, schema: LineSchema): CounterField {
  const measurement = escapeMeasurement(`vsphere_${kind}_${counter.group}`);
  if (schema === 'vcc') {
    return {
      measurement,
      field: escapeTag(`${counter.counter}_${counter.rollup}`),
      instanceKeys: ['instance'],
      aggregate: '',
      percent: false,
      unbracket: false,
    };
  }
  const name = `${counter.group}.${counter.counter}.${counter.rollup}`;
  const tagged = TELEGRAF_INSTANCE_TAGS.find(([prefix]) => name.startsWith(prefix));
  return {
    measurement,
    field: escapeTag(`${counter.counter}_${counter.rollup}`.replace(/\./g, '_')),
    instanceKeys: tagged?.[1] ?? ['instance'],
    // endpoint.go: `instance := "instance-total"` for the prefixed groups; the default branch
    // tags only `v.Instance != ""`.
    aggregate: tagged ? 'instance-total' : '',
    // endpoint.go: `if ...UnitInfo...Key == "percent" { v / 100.0 }`, every other value rounded to
    // an integer (use_int_samples, true by default).
    percent: counter.unit === 'percent',
    // endpoint.go cleanDiskTag: disk.* instances lose their enclosing "<" and ">".
    unbracket: counter.group === 'disk',
  };
}

export function counterFields(
  kind: EntityKind,
  counters: readonly PerfCounter[],
  schema: LineSchema,
): Map<number, CounterField> {
  return new Map(counters.map((counter) => [counter.key, counterField(kind, counter, schema)]));
}
