import type { MoRef } from '../soap/vim-decoder';
import type { PerfMetricId } from '../performance-manager';

/** One PerfQuerySpec of a planned request: an entity and some of its metric ids. */
export interface PlannedSpec {
  entity: MoRef;
  metricIds: PerfMetricId[];
}

export interface PlanLimits {
  /** vpxd.stats.maxQueryMetrics: entity × metric-id pairs per request; null = unlimited. */
  maxQueryMetrics: number | null;
  /** Entities per request, to bound response sizes when vCenter sets no limit. */
  maxEntitiesPerQuery: number;
}

/**
 * A SOAP request above 500,000 XML elements is refused by vCenter. A metric id costs 3 elements and a
 * spec about 8 more; vcc stays at a tenth of the limit so responses stay small too.
 */
export const SOAP_ELEMENT_BUDGET = 50_000;
const ELEMENTS_PER_SPEC = 8;
const ELEMENTS_PER_METRIC = 3;

/**
 * Splits the (entity, metric ids) work into QueryPerf requests: each request counts at most
 * maxQueryMetrics entity×metric pairs and maxEntitiesPerQuery entities, and stays inside the SOAP
 * element budget. An entity with more metric ids than one request may hold is split across specs.
 * Order is kept, so plans are stable from cycle to cycle.
 */
export function planQueries(work: PlannedSpec[], limits: PlanLimits): PlannedSpec[][] {
  const metricsPerRequest = Math.min(
    limits.maxQueryMetrics ?? Number.POSITIVE_INFINITY,
    Math.floor((SOAP_ELEMENT_BUDGET - ELEMENTS_PER_SPEC) / ELEMENTS_PER_METRIC),
  );
  if (metricsPerRequest < 1)
    throw new Error(`maxQueryMetrics ${limits.maxQueryMetrics} leaves no room for a metric`);
  const requests: PlannedSpec[][] = [];
  let current: PlannedSpec[] = [];
  let metrics = 0;
  let elements = 0;
  const flush = (): void => {
    if (current.length) requests.push(current);
    current = [];
    metrics = 0;
    elements = 0;
  };
  for (const item of work) {
    for (let at = 0; at < item.metricIds.length;) {
      let room = Math.min(
        metricsPerRequest - metrics,
        Math.floor((SOAP_ELEMENT_BUDGET - elements - ELEMENTS_PER_SPEC) / ELEMENTS_PER_METRIC),
      );
      if (room < 1 || current.length >= limits.maxEntitiesPerQuery) {
        flush();
        room = metricsPerRequest;
      }
      // Keep an entity's metrics together when they fit in an empty request.
      const remaining = item.metricIds.length - at;
      if (remaining > room && remaining <= metricsPerRequest && current.length > 0) {
        flush();
        room = metricsPerRequest;
      }
      const take = Math.min(room, remaining);
      current.push({ entity: item.entity, metricIds: item.metricIds.slice(at, at + take) });
      metrics += take;
      elements += ELEMENTS_PER_SPEC + take * ELEMENTS_PER_METRIC;
      at += take;
    }
  }
  flush();
  return requests;
}
