import { dateArg, intArg, morefArg, type XmlNode } from '../soap/soap-request';
import type { Moref } from '../soap/xml';

export interface PerfMetricId {
  counterId: number;
  instance: string;
}

/** PerfQuerySpec as QueryPerf receives it; times in Unix seconds. */
export interface PerfQuerySpec {
  entity: Moref;
  startTime?: number;
  endTime?: number;
  maxSample?: number;
  /** Unset: every metric available for the entity. */
  metricId?: PerfMetricId[];
  intervalId?: number;
  format?: string;
}

export function parseQuerySpec(node: XmlNode): PerfQuerySpec {
  const metricIds = node.all('metricId');
  return {
    entity: morefArg(node.child('entity'), 'querySpec.entity'),
    startTime: dateArg(node.child('startTime'), 'querySpec.startTime'),
    endTime: dateArg(node.child('endTime'), 'querySpec.endTime'),
    maxSample: intArg(node.child('maxSample'), 'querySpec.maxSample'),
    metricId: metricIds.length
      ? metricIds.map((id) => ({
          counterId: intArg(id.child('counterId'), 'querySpec.metricId.counterId') ?? -1,
          instance: id.value('instance') ?? '',
        }))
      : undefined,
    intervalId: intArg(node.child('intervalId'), 'querySpec.intervalId'),
    format: node.value('format'),
  };
}

/**
 * The entity×metric pairs a QueryPerf call counts against vpxd.stats.maxQueryMetrics. vCenter limits
 * queries served from its database, the historical ones; realtime queries go to the hosts and are
 * not limited. A spec without metricId counts every metric available for its entity.
 */
export function countLimitedMetrics(
  specs: readonly PerfQuerySpec[],
  isHistorical: (spec: PerfQuerySpec) => boolean,
  availableMetrics: (spec: PerfQuerySpec) => number,
): number {
  let count = 0;
  for (const spec of specs) {
    if (!isHistorical(spec)) continue;
    count += spec.metricId ? spec.metricId.length : availableMetrics(spec);
  }
  return count;
}
