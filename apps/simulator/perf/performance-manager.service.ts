import { Injectable } from '@nestjs/common';
import { SimulatorConfig } from '@vcc/config';
import type { EntityRecord } from '../inventory/inventory.model';
import { InventoryService } from '../inventory/inventory.service';
import { ObjectDirectory } from '../property-collector/object-directory.service';
import {
  BOOLEAN,
  INT,
  STRING,
  arrayOf,
  dataType,
  dataXml,
  enumType,
  field,
  type DataType,
} from '../property-collector/vim-types';
import { OptionManagerService } from '../sdk/option-manager.service';
import type { VimMethod, VimMethods } from '../sdk/vim-method';
import { intArg, morefArg, type XmlNode } from '../soap/soap-request';
import { VimFault } from '../soap/vim-fault.error';
import { ResponseWriter } from '../soap/envelope';
import { dateTimeXml, escapeXml, type Moref } from '../soap/xml';
import {
  COUNTERS,
  COUNTER_BY_KEY,
  GROUP_INFO,
  NAME_INFO,
  PERF_KIND_OF,
  UNIT_INFO,
  type PerfCounter,
  type PerfEntityKind,
} from './counters';
import { deviceInstances, expandInstance, hasAggregate } from './instances';
import { countLimitedMetrics, parseQuerySpec, type PerfQuerySpec } from './perf-query';
import { sampleTimes } from './sample-times';
import { seriesSampler, timeOfDay, type Sampler } from './sample-value';

const REALTIME_KINDS: readonly PerfEntityKind[] = ['vm', 'host'];
const VALUE_OPEN = Buffer.from('<value>');
const VALUE_CLOSE = Buffer.from('</value>');
const SERIES_CLOSE = Buffer.from('</value>');
const RETURNVAL_CLOSE = Buffer.from('</returnval>');

interface Series {
  /** `<value xsi:type="PerfMetricIntSeries"><id>…</id>`, the same for every entity. */
  head: Buffer;
  sample: Sampler;
}

const ELEMENT_DESCRIPTION = dataType<[string, [string, string]]>('ElementDescription', [
  field('label', STRING, ([, [label]]) => label),
  field('summary', STRING, ([, [, summary]]) => summary),
  field('key', STRING, ([key]) => key),
]);

const PERF_COUNTER_INFO = dataType<PerfCounter>('PerfCounterInfo', [
  field('key', INT, (c) => c.key),
  field('nameInfo', ELEMENT_DESCRIPTION, (c) => [c.name, NAME_INFO[`${c.group}.${c.name}`]]),
  field('groupInfo', ELEMENT_DESCRIPTION, (c) => [c.group, GROUP_INFO[c.group]]),
  field('unitInfo', ELEMENT_DESCRIPTION, (c) => [c.unit, UNIT_INFO[c.unit]]),
  field('rollupType', enumType('PerfSummaryType'), (c) => c.rollup),
  field('statsType', enumType('PerfStatsType'), (c) => c.statsType),
  field('level', INT, (c) => c.level),
  field('perDeviceLevel', INT, (c) => c.perDeviceLevel),
]);

interface PerfInterval {
  samplingPeriod: number;
  length: number;
}

const PERF_INTERVAL = dataType<PerfInterval>('PerfInterval', [
  field('key', INT, () => 1),
  field('samplingPeriod', INT, (i) => i.samplingPeriod),
  field('name', STRING, () => 'Past day'),
  field('length', INT, (i) => i.length),
  field('level', INT, () => 1),
  field('enabled', BOOLEAN, () => true),
]);

/**
 * PerformanceManager: the counter catalogue, realtime samples for VMs and hosts and historical
 * ones for every entity, QueryPerf with instance expansion and vCenter's maxQueryMetrics limit,
 * and sample values from sampleValue. Responses are built as strings: the 200-VM query is the
 * hot path of every benchmark that uses the simulator.
 */
@Injectable()
export class PerformanceManagerService implements VimMethods {
  private readonly perf: SimulatorConfig['perf'];
  private readonly seriesHeads = new Map<string, Buffer>();
  private readonly counterInfoXml = new Map<number, string>();

  constructor(
    config: SimulatorConfig,
    private readonly inventory: InventoryService,
    private readonly options: OptionManagerService,
    directory: ObjectDirectory,
  ) {
    this.perf = config.perf;
    const historical: PerfInterval = {
      samplingPeriod: this.perf.historicalIntervalSeconds,
      length: this.perf.historicalRetentionSeconds,
    };
    const schema: DataType = dataType<undefined>('PerformanceManager', [
      field('historicalInterval', arrayOf(PERF_INTERVAL), () => [historical]),
      field('perfCounter', arrayOf(PERF_COUNTER_INFO), () => COUNTERS),
    ]);
    directory.register('PerformanceManager', 'PerfMgr', () => ({ schema, record: undefined }));
    for (const counter of COUNTERS)
      this.counterInfoXml.set(counter.key, `<returnval>${dataXml(PERF_COUNTER_INFO, counter)}</returnval>`);
  }

  methods(): Record<string, VimMethod> {
    return {
      QueryPerfCounter: (args) =>
        args
          .all('counterId')
          .map((node) => {
            const xml = this.counterInfoXml.get(Number(node.text));
            if (!xml) throw VimFault.invalidArgument('counterId');
            return xml;
          })
          .join(''),
      QueryPerfCounterByLevel: (args) => {
        const level = intArg(args.child('level'), 'level');
        if (level === undefined || level < 1 || level > 4) throw VimFault.invalidArgument('level');
        return COUNTERS.filter((c) => c.level <= level)
          .map((c) => this.counterInfoXml.get(c.key))
          .join('');
      },
      QueryPerfProviderSummary: (args) => this.providerSummary(morefArg(args.child('entity'), 'entity')),
      QueryAvailablePerfMetric: (args) => this.availableMetrics(args),
      QueryPerf: (args) => this.queryPerf(args.all('querySpec').map(parseQuerySpec)),
    };
  }

  private providerSummary(ref: Moref): string {
    const { kind } = this.entity(ref);
    const realtime = REALTIME_KINDS.includes(kind);
    return (
      `<returnval><entity type="${ref.type}">${escapeXml(ref.value)}</entity>` +
      `<currentSupported>${realtime}</currentSupported><summarySupported>true</summarySupported>` +
      `<refreshRate>${realtime ? this.perf.realtimeIntervalSeconds : -1}</refreshRate></returnval>`
    );
  }

  private availableMetrics(args: XmlNode): string {
    const ref = morefArg(args.child('entity'), 'entity');
    const { record, kind } = this.entity(ref);
    // Every counter is kept at both intervals; the interval only has to be one the entity has.
    this.interval(kind, intArg(args.child('intervalId'), 'intervalId'), 'intervalId');
    if (!this.hasData(record)) return '';
    let xml = '';
    for (const counter of COUNTERS) {
      const mode = counter.appliesTo[kind];
      if (!mode) continue;
      const instances = deviceInstances(record, mode, this.inventory.inventory);
      for (const instance of hasAggregate(mode) ? ['', ...instances] : instances)
        xml += `<returnval><counterId>${counter.key}</counterId><instance>${escapeXml(instance)}</instance></returnval>`;
    }
    return xml;
  }

  private queryPerf(specs: PerfQuerySpec[]): Buffer {
    const now = Date.now() / 1000;
    const resolved = specs.map((spec) => {
      const { record, kind } = this.entity(spec.entity);
      const interval = this.interval(kind, spec.intervalId, 'querySpec.interval');
      if (spec.format !== undefined && spec.format !== 'normal')
        throw VimFault.invalidArgument('querySpec.format');
      return { spec, record, kind, interval };
    });
    const limit = this.options.maxQueryMetrics;
    if (limit > 0) {
      const historical = new Set(
        resolved.filter((r) => r.interval !== this.perf.realtimeIntervalSeconds).map((r) => r.spec),
      );
      const count = countLimitedMetrics(
        specs,
        (spec) => historical.has(spec),
        (spec) => {
          const kind = resolved.find((r) => r.spec === spec)!.kind;
          return COUNTERS.filter((counter) => counter.appliesTo[kind]).length;
        },
      );
      if (count > limit) throw VimFault.restrictedByAdministrator('vpxd.stats.maxQueryMetrics');
    }

    // First what to write, to size the buffer once; then the bytes.
    const entities: { entity: Moref; times: number[]; series: Series[]; info: Buffer }[] = [];
    const sampleInfos = new Map<string, Buffer>();
    let bytes = 0;
    for (const { spec, record, kind, interval } of resolved) {
      if (!this.hasData(record)) continue;
      const realtime = interval === this.perf.realtimeIntervalSeconds;
      const times = sampleTimes({
        interval,
        retention: realtime ? this.perf.realtimeRetentionSeconds : this.perf.historicalRetentionSeconds,
        now,
        startTime: spec.startTime,
        endTime: spec.endTime,
        maxSample: realtime ? spec.maxSample : undefined,
        // As on vCenter, a VM's realtime samples begin when it was powered on.
        notBefore:
          record.kind === 'VirtualMachine' ? (record.bootTime ?? record.createDate) / 1000 : undefined,
      });
      if (!times.length) continue;
      const series = this.series(record, kind, spec);
      if (!series.length) continue;
      const infoKey = `${interval}:${times[0]}:${times.length}`;
      let info = sampleInfos.get(infoKey);
      if (!info) {
        let xml = '';
        for (const t of times)
          xml += `<sampleInfo><timestamp>${dateTimeXml(t * 1000)}</timestamp><interval>${interval}</interval></sampleInfo>`;
        info = Buffer.from(xml);
        sampleInfos.set(infoKey, info);
      }
      entities.push({ entity: spec.entity, times, series, info });
      bytes += 200 + info.length + series.length * (series[0].head.length + 16 + times.length * 26);
    }

    const out = new ResponseWriter('QueryPerf', bytes);
    const days = new Map<number, { sin: number; cos: number }>();
    let values = new Float64Array(0);
    for (const { entity, times, series, info } of entities) {
      out.text(
        `<returnval xsi:type="PerfEntityMetric"><entity type="${entity.type}">${escapeXml(entity.value)}</entity>`,
      );
      out.bytes(info);
      const { sins, coses } = this.timesOfDay(times, days);
      if (values.length < times.length) values = new Float64Array(times.length);
      for (const { head, sample } of series) {
        out.bytes(head);
        for (let i = 0; i < times.length; i++) values[i] = sample(times[i], sins[i], coses[i]);
        out.elements(VALUE_OPEN, VALUE_CLOSE, values, times.length);
        out.bytes(SERIES_CLOSE);
      }
      out.bytes(RETURNVAL_CLOSE);
    }
    return out.finish();
  }

  /** The series to write for a query spec: every requested metric that applies, instances expanded. */
  private series(record: EntityRecord, kind: PerfEntityKind, spec: PerfQuerySpec): Series[] {
    const metricIds =
      spec.metricId ??
      COUNTERS.filter((counter) => counter.appliesTo[kind]).map((counter) => ({
        counterId: counter.key,
        instance: '*',
      }));
    const series: Series[] = [];
    for (const { counterId, instance: requested } of metricIds) {
      const counter = COUNTER_BY_KEY.get(counterId);
      const mode = counter?.appliesTo[kind];
      if (!counter || !mode) continue;
      const devices = requested === '' ? [] : deviceInstances(record, mode, this.inventory.inventory);
      for (const instance of expandInstance(requested, mode, devices))
        series.push({
          head: this.seriesHead(counterId, instance),
          sample: seriesSampler(record.moref, counter.fullName, instance),
        });
    }
    return series;
  }

  private seriesHead(counterId: number, instance: string): Buffer {
    const key = `${counterId}|${instance}`;
    let head = this.seriesHeads.get(key);
    if (!head) {
      if (this.seriesHeads.size > 100_000) this.seriesHeads.clear();
      head = Buffer.from(
        `<value xsi:type="PerfMetricIntSeries"><id><counterId>${counterId}</counterId><instance>${escapeXml(instance)}</instance></id>`,
      );
      this.seriesHeads.set(key, head);
    }
    return head;
  }

  /** The time of day of each timestamp, computed once per call for all series. */
  private timesOfDay(
    times: number[],
    days: Map<number, { sin: number; cos: number }>,
  ): { sins: number[]; coses: number[] } {
    const sins: number[] = [];
    const coses: number[] = [];
    for (const t of times) {
      const day = days.get(t) ?? timeOfDay(t);
      days.set(t, day);
      sins.push(day.sin);
      coses.push(day.cos);
    }
    return { sins, coses };
  }

  private entity(ref: Moref): { record: EntityRecord; kind: PerfEntityKind } {
    const record = this.inventory.inventory.get(ref.value);
    if (!record || record.kind !== ref.type) throw VimFault.managedObjectNotFound(ref);
    const kind = PERF_KIND_OF[record.kind];
    if (!kind) throw VimFault.invalidArgument('entity');
    return { record, kind };
  }

  /** The interval a query asks for: realtime (VMs and hosts only) or historical; unset means the finest the entity has. */
  private interval(kind: PerfEntityKind, intervalId: number | undefined, argument: string): number {
    const realtime = REALTIME_KINDS.includes(kind);
    const { realtimeIntervalSeconds, historicalIntervalSeconds } = this.perf;
    if (intervalId === undefined) return realtime ? realtimeIntervalSeconds : historicalIntervalSeconds;
    if (intervalId === historicalIntervalSeconds || (realtime && intervalId === realtimeIntervalSeconds))
      return intervalId;
    throw VimFault.invalidArgument(argument);
  }

  /** Powered-off VMs, templates and VMs still being created have no samples, as in vCenter. */
  private hasData(record: EntityRecord): boolean {
    return record.kind !== 'VirtualMachine' || (record.powerState === 'poweredOn' && !record.creating);
  }
}
