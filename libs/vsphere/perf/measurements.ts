import type { EntityKind } from '../inventory.types';
import { escapeMeasurement, escapeTag } from '../line-protocol';
import type { PerfCounter } from '../performance-manager';
import type { CounterField } from './query-perf.parser';

/** Measurement `vsphere_<kind>_<group>` and field `<counter>_<rollup>`, e.g. vsphere_vm_cpu / usage_average. */
export function counterField(
  kind: EntityKind,
  counter: Pick<PerfCounter, 'group' | 'counter' | 'rollup'>,
): CounterField {
  return {
    measurement: escapeMeasurement(`vsphere_${kind}_${counter.group}`),
    field: escapeTag(`${counter.counter}_${counter.rollup}`),
  };
}

export function counterFields(kind: EntityKind, counters: readonly PerfCounter[]): Map<number, CounterField> {
  return new Map(counters.map((counter) => [counter.key, counterField(kind, counter)]));
}
