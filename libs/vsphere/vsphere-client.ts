import type { EntityKind } from './inventory.types';
import {
  EventHistoryCollector,
  readEvents,
  queryEvents,
  type EventFilter,
  type ReadEventsOptions,
  type VcenterEvent,
} from './event-history-collector';
import {
  retrieveInventory,
  retrieveInventoryObjects,
  retrieveInventoryObjectsByRef,
  type Inventory,
} from './inventory';
import type { EntityTags } from './line-protocol';
import { PerformanceManager, type PerfMetricId } from './performance-manager';
import type { PlannedSpec } from './perf/query-planner';
import type { ObjectContent } from './property-collector';
import { PreparedQueryPerf, type QueryWindow } from './perf/query-perf.request';
import { postQueryPerf } from './perf/query-perf.transport';
import type { CounterField } from './perf/query-perf.parser';
import type { QueryPerfTask } from './perf/query-perf.worker';
import { VimSession, type SessionOptions, type VimCredentials } from './session';
import type { MoRef } from './soap/vim-decoder';
import type { VimEndpoint } from './soap/vim-soap.client';
import { readFileSync } from 'node:fs';

export interface VsphereConnectOptions {
  endpoint: VimEndpoint;
  credentials: VimCredentials;
  session?: SessionOptions;
}

/** A series of a strong-soap QueryPerf result, typed. */
export interface PerfEntityMetric {
  entity: MoRef;
  sampleInfo?: { timestamp: Date; interval: number }[];
  value?: { id: PerfMetricId; value?: number[] }[];
}

/**
 * vcc's vSphere client: one logged-in session to one vCenter, with the inventory, performance and
 * event operations vcc uses. The control plane goes through strong-soap; QueryPerf's hot path is a
 * prepared request posted outside strong-soap and stream-parsed (see `queryPerfTask`).
 */
export class VsphereClient {
  readonly performance: PerformanceManager;
  /** The CA's PEM text, read once: every hot-path task carries it to its worker. */
  private readonly ca: string | undefined;

  private constructor(readonly session: VimSession) {
    this.performance = new PerformanceManager(session);
    const caFile = session.soap.endpoint.caFile;
    this.ca = caFile ? readFileSync(caFile, 'utf8') : undefined;
  }

  static async connect(options: VsphereConnectOptions): Promise<VsphereClient> {
    return new VsphereClient(
      await VimSession.connect(options.endpoint, options.credentials, options.session),
    );
  }

  get about(): VimSession['about'] {
    return this.session.about;
  }

  currentTime(): Promise<Date> {
    return this.session.currentTime();
  }

  inventory(maxObjects?: number): Promise<Inventory> {
    return retrieveInventory(this.session, maxObjects);
  }

  /** The objects the inventory is built from (`buildInventory`), for keeping and updating it. */
  inventoryObjects(maxObjects?: number): Promise<ObjectContent[]> {
    return retrieveInventoryObjects(this.session, maxObjects);
  }

  /** The inventory objects of the given morefs that still exist. */
  inventoryObjectsByRef(refs: readonly MoRef[]): Promise<ObjectContent[]> {
    return retrieveInventoryObjectsByRef(this.session, refs);
  }

  /** An event history collector kept open, to read new events cheaply cycle after cycle. */
  openEventCollector(filter: EventFilter): Promise<EventHistoryCollector> {
    return EventHistoryCollector.open(this.session, filter);
  }

  readEvents(options?: ReadEventsOptions): Promise<VcenterEvent[]> {
    return readEvents(this.session, options);
  }

  queryEvents(filter?: EventFilter): Promise<VcenterEvent[]> {
    return queryEvents(this.session, filter);
  }

  /** QueryPerf through strong-soap, typed: for the control plane and for checking the hot path. */
  queryPerf(
    specs: PlannedSpec[],
    intervalId: number,
    window: (moref: string) => QueryWindow,
  ): Promise<PerfEntityMetric[]> {
    const perfManager = this.session.serviceContent.perfManager!;
    return this.session.call<PerfEntityMetric[]>('QueryPerf', perfManager, {
      querySpec: specs.map((spec) => {
        const w = window(spec.entity.value);
        return {
          entity: { $attributes: { type: spec.entity.type }, $value: spec.entity.value },
          ...(w.start ? { startTime: w.start } : {}),
          endTime: w.end,
          ...(w.maxSample !== undefined ? { maxSample: w.maxSample } : {}),
          metricId: spec.metricIds,
          intervalId,
          format: 'normal',
        };
      }),
    });
  }

  /** A QueryPerf request prepared once for a chunk of the plan. */
  prepare(specs: PlannedSpec[], intervalId: number): PreparedQueryPerf {
    return new PreparedQueryPerf(this.session.serviceContent.perfManager!.value, specs, intervalId);
  }

  /**
   * The cloneable hot-path task for one request of a prepared chunk (for a piscina worker or
   * runQueryPerfTask), carrying the current session cookie.
   */
  queryPerfTask(
    body: Uint8Array,
    entities: { moref: string; kind: EntityKind; tags: EntityTags }[],
    fields: Partial<Record<EntityKind, Map<number, CounterField>>>,
  ): QueryPerfTask {
    const soap = this.session.soap;
    return {
      sdkUrl: soap.endpoint.sdkUrl,
      insecure: soap.endpoint.insecure ?? false,
      ...(this.ca ? { ca: this.ca } : {}),
      cookie: soap.cookie ?? '',
      soapAction: `urn:vim25/${this.about.apiVersion}`,
      timeoutMs: soap.timeoutMs,
      body,
      entities: entities.map((e) => [e.moref, e.kind, e.tags]),
      fields: Object.fromEntries(
        Object.entries(fields).map(([kind, table]) => [kind, [...table!.entries()]]),
      ),
    };
  }

  /** Posts a prepared QueryPerf body on this session's keep-alive connection, streaming the answer's bytes to `onData`. */
  postQueryPerf(body: Uint8Array, onData: (chunk: Buffer) => void): Promise<number> {
    const soap = this.session.soap;
    return postQueryPerf(
      {
        sdkUrl: soap.endpoint.sdkUrl,
        cookie: soap.cookie ?? '',
        soapAction: `urn:vim25/${this.about.apiVersion}`,
        agent: soap.agent,
        timeoutMs: soap.timeoutMs,
      },
      body,
      onData,
    );
  }

  close(): Promise<void> {
    return this.session.logout();
  }
}
