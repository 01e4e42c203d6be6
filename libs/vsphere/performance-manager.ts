import { retrieveProperties } from './property-collector';
import type { MoRef } from './soap/vim-decoder';
import { VimFaultError } from './soap/vim-fault.error';
import type { VimSession } from './session';

/** A performance counter, named `group.name.rollup` as vCenter's UI and Telegraf do (e.g. cpu.usage.average). */
export interface PerfCounter {
  key: number;
  name: string;
  group: string;
  counter: string;
  rollup: string;
  unit: string;
  statsType: string;
  level?: number;
}

export interface PerfMetricId {
  counterId: number;
  /** "" is the aggregate, "*" every instance, or one instance ("0", "scsi0:0", "4000"). */
  instance: string;
}

export interface PerfProviderSummary {
  currentSupported: boolean;
  summarySupported: boolean;
  /** Realtime sample interval in seconds (20 on vCenter); absent for historical-only entities. */
  refreshRate?: number;
}

/** The query-size limit vCenter enforces (vpxd.stats.maxQueryMetrics) and where the figure came from. */
export interface QueryLimit {
  /** Metrics (entity × counter) per QueryPerf; null means unlimited (-1 on vCenter). */
  maxQueryMetrics: number | null;
  source: 'vcenter' | 'version-default';
}

interface RawCounterInfo {
  key: number;
  nameInfo: { key: string };
  groupInfo: { key: string };
  unitInfo: { key: string };
  rollupType: string;
  statsType: string;
  level?: number;
}

/** The counters a vCenter has, by key and by `group.name.rollup`. */
export class PerfCounterCatalog {
  readonly byKey = new Map<number, PerfCounter>();
  readonly byName = new Map<string, PerfCounter>();

  constructor(counters: PerfCounter[]) {
    for (const counter of counters) {
      this.byKey.set(counter.key, counter);
      this.byName.set(counter.name, counter);
    }
  }

  /** The counters for these names, and the names this vCenter does not have. */
  resolve(names: readonly string[]): { counters: PerfCounter[]; unknown: string[] } {
    const counters: PerfCounter[] = [];
    const unknown: string[] = [];
    for (const name of names) {
      const counter = this.byName.get(name);
      if (counter) counters.push(counter);
      else unknown.push(name);
    }
    return { counters, unknown };
  }
}

export const MAX_QUERY_METRICS_OPTION = 'config.vpxd.stats.maxQueryMetrics';

/** vim.PerformanceManager: counters, available metrics, provider summaries and query limits. */
export class PerformanceManager {
  constructor(private readonly session: VimSession) {}

  private get ref(): MoRef {
    const ref = this.session.serviceContent.perfManager;
    if (!ref) throw new Error('this endpoint has no PerformanceManager');
    return ref;
  }

  /**
   * Every counter, from QueryPerfCounterByLevel(4); where that method does not exist (vcsim), from
   * the perfCounter property instead.
   */
  async counterCatalog(): Promise<PerfCounterCatalog> {
    let raw: RawCounterInfo[];
    try {
      raw = await this.session.call<RawCounterInfo[]>('QueryPerfCounterByLevel', this.ref, { level: 4 });
    } catch (error) {
      if (!(error instanceof VimFaultError) || error.faultType !== 'MethodNotFound') throw error;
      const [content] = await this.session.withRelogin(() =>
        retrieveProperties(
          this.session,
          [{ type: 'PerformanceManager', pathSet: ['perfCounter'] }],
          [{ obj: this.ref }],
        ),
      );
      raw = (content?.props.perfCounter as RawCounterInfo[] | undefined) ?? [];
    }
    return new PerfCounterCatalog(raw.map(toCounter));
  }

  /** QueryAvailablePerfMetric: the counters and instances an entity has at an interval. */
  async availableMetrics(entity: MoRef, intervalId?: number): Promise<PerfMetricId[]> {
    const ids = await this.session.call<{ counterId: number; instance?: string }[]>(
      'QueryAvailablePerfMetric',
      this.ref,
      {
        entity: { $attributes: { type: entity.type }, $value: entity.value },
        ...(intervalId !== undefined ? { intervalId } : {}),
      },
    );
    return ids.map((id) => ({ counterId: id.counterId, instance: id.instance ?? '' }));
  }

  /** QueryPerfProviderSummary: whether an entity has realtime stats, and their interval. */
  async providerSummary(entity: MoRef): Promise<PerfProviderSummary> {
    const summary = await this.session.call<PerfProviderSummary>('QueryPerfProviderSummary', this.ref, {
      entity: { $attributes: { type: entity.type }, $value: entity.value },
    });
    return {
      currentSupported: summary.currentSupported,
      summarySupported: summary.summarySupported,
      ...(summary.refreshRate !== undefined ? { refreshRate: summary.refreshRate } : {}),
    };
  }

  /**
   * vpxd.stats.maxQueryMetrics from the OptionManager. A read-only account may not read it, and old
   * or simulated vCenters may not have it: then vCenter's default for the API version (64 before 6.5,
   * 256 from 6.5).
   */
  async queryLimit(): Promise<QueryLimit> {
    const setting = this.session.serviceContent.setting;
    if (setting) {
      try {
        const options = await this.session.call<{ key: string; value?: unknown }[]>('QueryOptions', setting, {
          name: MAX_QUERY_METRICS_OPTION,
        });
        const option = options.find((o) => o.key === MAX_QUERY_METRICS_OPTION);
        const value = Number(option?.value);
        if (option && Number.isInteger(value)) {
          return { maxQueryMetrics: value < 0 ? null : value, source: 'vcenter' };
        }
      } catch (error) {
        if (!(error instanceof VimFaultError)) throw error;
      }
    }
    return { maxQueryMetrics: defaultQueryLimit(this.session.about.apiVersion), source: 'version-default' };
  }
}

export function defaultQueryLimit(apiVersion: string): number {
  const [major, minor] = apiVersion.split('.').map(Number);
  return major > 6 || (major === 6 && minor >= 5) ? 256 : 64;
}

function toCounter(raw: RawCounterInfo): PerfCounter {
  const group = raw.groupInfo.key;
  const counter = raw.nameInfo.key;
  return {
    key: raw.key,
    name: `${group}.${counter}.${raw.rollupType}`,
    group,
    counter,
    rollup: raw.rollupType,
    unit: raw.unitInfo.key,
    statsType: raw.statsType,
    ...(raw.level !== undefined ? { level: raw.level } : {}),
  };
}
