import { Logger } from '@nestjs/common';
import {
  planQueries,
  QueryPerfExecutor,
  VimFaultError,
  counterFields,
  type CounterField,
  type EntityKind,
  type LineSchema,
  type PerfCounter,
  type PreparedQueryPerf,
  type QueryPerfTaskResult,
  type VsphereClient,
} from '@vcc/vsphere';
import type { Assignment } from '../controller/controller.types';
import type { CollectorMetrics } from '../observability/collector.metrics';
import type { SinkWriter } from '../sinks/sink-writer';
import type { VcenterSession } from '../vcenter/vcenter-session';
import type { GroupWatermark } from '@vcc/contract';
import { ownedEntities, type CollectEntity } from './entities';
import { groupWatermarks, handedOverMarks } from './group-watermarks';
import type { PerfPool } from './perf-pool';
import { Watermarks } from './watermarks';
import { backfillStart, firstWindowStart, historicalWindow, realtimeWindow, type Window } from './windows';

export type Schedule = 'realtime' | 'historical';

/** The share of the interval a cycle may spend retrying, so that it ends before the next boundary. */
const DEADLINE_SHARE = 0.9;

export const KINDS: Record<Schedule, readonly EntityKind[]> = {
  realtime: ['vm', 'host'],
  historical: ['cluster', 'datastore'],
};

export interface CycleResult {
  schedule: Schedule;
  boundary: Date;
  entitiesAssigned: number;
  entitiesCollected: number;
  requests: number;
  failedRequests: number;
  refusedRequests: number;
  points: number;
  /** Lines handed to the sink writer; `written` says when the sinks have them. */
  linesQueued: number;
  lostSamples: number;
  /** Realtime: per group index held, the oldest sample time its entities are written up to. */
  watermarks: GroupWatermark[];
  durationMs: number;
  /** Resolves when every line of this cycle is acknowledged by the sinks (or refused). */
  written: Promise<void>;
}

export interface CollectorLimits {
  maxEntitiesPerQuery: number;
  delayBetweenRequestsMs: number;
  historicalLookbackIntervals: number;
  realtimeRetentionSeconds: number;
  schema: LineSchema;
}

interface PreparedRequest {
  prepared: PreparedQueryPerf;
  entities: { moref: string; kind: EntityKind }[];
}

interface PlannedRequest {
  prepared: PreparedQueryPerf;
  entities: { moref: string; kind: EntityKind; tags: CollectEntity['tags'] }[];
}

/**
 * Prepared requests by what they were planned from (schedule, counters, limits, entities). They
 * depend on the session's inventory and counters, not on a collector's watermarks, so the
 * collectors of one session share them. Tags are not part of them: a VM that moved to another
 * host or was renamed keeps its place in the requests but must be tagged as it is now.
 */
export type PreparedPlans = Map<string, PreparedRequest[]>;

/**
 * Collects performance data from one vCenter for the entities one assignment gives this collector:
 * plans QueryPerf requests under vCenter's limits (prepared once per chunk), runs them in the perf
 * pool with at most the assignment's share of the request budget in flight, hands the lines to
 * the sink writer, and advances each entity's watermark when the sinks acknowledge.
 */
export class PerfCollector {
  private readonly logger = new Logger('PerfCollector');
  private readonly watermarks: Record<Schedule, Watermarks> = {
    realtime: new Watermarks(),
    historical: new Watermarks(),
  };

  constructor(
    private readonly session: VcenterSession,
    private readonly pool: PerfPool,
    private readonly writer: SinkWriter,
    private readonly metrics: CollectorMetrics,
    private readonly limits: CollectorLimits,
    private readonly plans: PreparedPlans = new Map(),
  ) {}

  /**
   * One cycle at `boundaryMs`. `leaseTtlSeconds` sizes the backfill of entities this collector did
   * not own in its previous cycle (entities new to the inventory backfill from their boot time
   * instead); `backfillFrom` overrides both (for --once). Without `sinkDeadline`, lines the full
   * write buffer refuses are read again next cycle; with it (--once, which has no next cycle), a
   * request waits until then for the sinks to make room. `deadline` (epoch ms) ends retries of
   * transient vCenter errors; by default 90 % of the cycle's interval after its boundary.
   */
  async collect(
    schedule: Schedule,
    boundaryMs: number,
    assignment: Assignment,
    options: { leaseTtlSeconds: number; backfillFrom?: number; sinkDeadline?: number; deadline?: number },
  ): Promise<CycleResult> {
    const started = performance.now();
    const result: CycleResult = {
      schedule,
      boundary: new Date(boundaryMs),
      entitiesAssigned: 0,
      entitiesCollected: 0,
      requests: 0,
      failedRequests: 0,
      refusedRequests: 0,
      points: 0,
      linesQueued: 0,
      lostSamples: 0,
      watermarks: [],
      durationMs: 0,
      written: Promise.resolve(),
    };
    const inventory = await this.session.inventory(assignment.epoch);
    const owned = ownedEntities(
      inventory.entities,
      KINDS[schedule],
      assignment.groupIndices,
      assignment.groupCount,
      assignment.vcenter.filters,
    );
    result.entitiesAssigned = owned.length;
    const marks = this.watermarks[schedule];
    const ownedMorefs = new Set(owned.map((e) => e.moref));
    // Tests and operators check from these lines that every entity has exactly one owner per cycle.
    this.logger.debug(
      `owned ${schedule} ${result.boundary.toISOString()} epoch ${assignment.epoch}: ${[...ownedMorefs].join(',')}`,
    );
    marks.retain(ownedMorefs);
    if (owned.length === 0) return this.finish(result, started);

    const facts = await this.session.vcenterFacts();
    const client = await this.session.vsphere();
    const end = await this.session.now();
    const cycleSeconds =
      schedule === 'realtime' ? assignment.realtimeIntervalSeconds : assignment.historicalIntervalSeconds;
    const intervalId = schedule === 'realtime' ? facts.sampleSeconds : assignment.historicalIntervalSeconds;
    const takeoverStart = backfillStart(
      Math.floor(Date.parse(assignment.effectiveFrom) / 1000),
      options.leaseTtlSeconds,
      cycleSeconds,
    );

    // Entities new to this collector start where their group's reported watermark says they were
    // written up to, when that is older than the takeover start: a previous owner that died with a
    // full write buffer had written less than the takeover maths assumes.
    const handedOver =
      schedule === 'realtime' && options.backfillFrom === undefined
        ? handedOverMarks(
            owned.filter((e) => marks.writtenUpTo(e.moref) === undefined).map((e) => e.moref),
            assignment.watermarks ?? [],
            assignment.vcenter.id,
          )
        : new Map<string, number>();
    const windows = new Map<string, Window>();
    for (const entity of owned) {
      const mark = marks.get(entity.moref);
      const window =
        schedule === 'realtime'
          ? realtimeWindow({
              acked: mark.acked,
              queued: mark.queued,
              settled: marks.settled(entity.moref),
              backfillFrom:
                options.backfillFrom ??
                Math.min(
                  firstWindowStart({
                    takeoverStart,
                    appearedAt: inventory.appearedAt.get(entity.moref),
                    bootTime: entity.bootTime,
                    end,
                    sampleSeconds: facts.sampleSeconds,
                    retentionSeconds: this.limits.realtimeRetentionSeconds,
                  }),
                  handedOver.get(entity.moref) ?? Infinity,
                ),
              end,
              sampleSeconds: facts.sampleSeconds,
              retentionSeconds: this.limits.realtimeRetentionSeconds,
            })
          : historicalWindow({
              acked: mark.acked,
              end,
              intervalSeconds: intervalId,
              lookbackIntervals: this.limits.historicalLookbackIntervals,
            });
      if (window.lostSamples > 0) result.lostSamples += window.lostSamples;
      // The group's watermark covers an entity from its first window; a loss is counted once, not
      // again at every cycle the sink stays down.
      if (schedule === 'realtime') {
        marks.start(entity.moref, window.start);
        if (window.lostSamples > 0) marks.lose(entity.moref, window.start);
      }
      windows.set(entity.moref, window);
    }
    if (schedule === 'realtime')
      result.watermarks = groupWatermarks(
        owned.map((e) => [e.moref, marks.writtenUpTo(e.moref)]),
        { vcenterId: assignment.vcenter.id, ...assignment },
      );
    if (result.lostSamples > 0) {
      this.metrics.samplesLost.inc(result.lostSamples);
      this.logger.warn(
        `${assignment.vcenter.name}: ${result.lostSamples} entity samples fell out of vCenter's realtime retention before they could be written (sink down or collector stopped for too long)`,
      );
    }

    // vpxd.stats.maxQueryMetrics limits queries of the statistics database (historical); realtime
    // queries are served from the hosts and are bounded by maxEntitiesPerQuery instead.
    const maxQueryMetrics = schedule === 'historical' ? facts.maxQueryMetrics : null;
    const requests = this.plan(
      schedule,
      owned,
      assignment,
      facts.catalog,
      maxQueryMetrics,
      intervalId,
      client,
    );
    const executor = this.executorFor(client);
    // Retries of transient errors stop where the next cycle should start.
    const deadline = options.deadline ?? boundaryMs + cycleSeconds * 1000 * DEADLINE_SHARE;
    const acks: Promise<void>[] = [];
    const collected = new Set<string>();
    const budget = Math.max(1, assignment.requestBudget);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const index = next++;
        const request = requests[index];
        const label = `${schedule} QueryPerf ${index + 1}/${requests.length} for ${describeEntities(request)}`;
        if (this.limits.delayBetweenRequestsMs > 0 && index > 0)
          await sleep(this.limits.delayBetweenRequestsMs);
        result.requests++;
        const outcome = await this.run(executor, request, windows, label, deadline);
        if (!outcome) {
          result.failedRequests++;
          continue;
        }
        result.points += outcome.points;
        this.metrics.points.inc(outcome.points);
        const accepted = await this.submit(outcome, options.sinkDeadline);
        if (!accepted) {
          // The writer's buffer is full: keep the watermarks, vCenter will serve these samples again.
          result.refusedRequests++;
          this.metrics.requests.inc({ result: 'refused' });
          this.logger.warn(
            `${label}: ${outcome.lineCount} lines refused, the write buffer holds ${this.writer.bufferedLines} lines the sinks have not taken yet; the watermarks stay, so vCenter serves these samples again`,
          );
          continue;
        }
        this.metrics.requests.inc({ result: 'ok' });
        result.linesQueued += outcome.lineCount;
        const newest = Object.entries(outcome.lastSampleByEntity);
        for (const [moref, time] of newest) {
          marks.queue(moref, time);
          collected.add(moref);
        }
        acks.push(accepted.written.then(() => newest.forEach(([moref, time]) => marks.ack(moref, time))));
      }
    };
    await Promise.all(Array.from({ length: Math.min(budget, requests.length) }, worker));
    this.writer.flush();
    result.entitiesCollected = collected.size;
    result.written = Promise.all(acks).then(() => undefined);
    return this.finish(result, started);
  }

  /**
   * Hands lines to the writer; with a deadline, waits for room until then rather than be refused.
   * Null when refused; otherwise `written` resolves when the sinks have the lines.
   */
  private async submit(
    outcome: QueryPerfTaskResult,
    deadline?: number,
  ): Promise<{ written: Promise<void> } | null> {
    const batch = { lines: outcome.lines, lineCount: outcome.lineCount };
    let written = this.writer.submit(batch);
    while (!written && deadline !== undefined && Date.now() < deadline) {
      if (!(await this.writer.waitForRoom(batch.lineCount, deadline - Date.now()))) break;
      written = this.writer.submit(batch);
    }
    return written && { written };
  }

  private finish(result: CycleResult, started: number): CycleResult {
    result.durationMs = Math.round(performance.now() - started);
    return result;
  }

  /** Runs one request through the executor (retries, re-login). Null when it failed. */
  private async run(
    executor: QueryPerfExecutor,
    request: PlannedRequest,
    windows: Map<string, Window>,
    label: string,
    deadline: number,
  ): Promise<QueryPerfTaskResult | null> {
    const body = request.prepared.body((moref) => {
      const w = windows.get(moref)!;
      return { start: new Date(w.start * 1000), end: new Date(w.end * 1000), maxSample: w.maxSample };
    });
    try {
      return await executor.execute(
        { body, entities: request.entities, fields: this.fieldsFor(request) },
        deadline,
      );
    } catch (error) {
      this.metrics.requests.inc({ result: error instanceof VimFaultError ? 'fault' : 'error' });
      this.logger.warn(`${label} failed: ${(error as Error).message}`);
      return null;
    }
  }

  private executorFor(client: VsphereClient): QueryPerfExecutor {
    return new QueryPerfExecutor(client, (task) => this.pool.run(task), {
      observer: {
        attempt: (seconds) => this.metrics.callLatency.observe({ operation: 'QueryPerf' }, seconds),
        retry: (error, delayMs) => {
          this.metrics.retries.inc();
          this.logger.debug(`QueryPerf retried in ${delayMs} ms: ${error.message}`);
        },
      },
    });
  }

  private readonly fieldTables = new Map<string, Map<number, CounterField>>();

  private fieldsFor(request: PlannedRequest): Partial<Record<EntityKind, Map<number, CounterField>>> {
    const fields: Partial<Record<EntityKind, Map<number, CounterField>>> = {};
    for (const entity of request.entities) fields[entity.kind] ??= this.fieldTables.get(entity.kind);
    return fields;
  }

  /**
   * Requests for the owned entities, planned and prepared once and reused while the entity set,
   * counters and limits stay the same.
   */
  private plan(
    schedule: Schedule,
    owned: CollectEntity[],
    assignment: Assignment,
    catalog: { resolve(names: readonly string[]): { counters: PerfCounter[]; unknown: string[] } },
    maxQueryMetrics: number | null,
    intervalId: number,
    client: VsphereClient,
  ): PlannedRequest[] {
    const countersByKind = new Map<EntityKind, PerfCounter[]>();
    for (const kind of KINDS[schedule]) {
      const { counters, unknown } = catalog.resolve(assignment.vcenter.counters[kind]);
      if (unknown.length)
        this.warnOnce(
          `unknown:${kind}:${unknown.join(',')}`,
          `${assignment.vcenter.name} has no counters ${unknown.join(', ')} for ${kind}; they are skipped`,
        );
      countersByKind.set(kind, counters);
      this.fieldTables.set(kind, counterFields(kind, counters, this.limits.schema));
    }
    const key = [
      schedule,
      intervalId,
      maxQueryMetrics,
      this.limits.maxEntitiesPerQuery,
      ...KINDS[schedule].map((k) =>
        countersByKind
          .get(k)!
          .map((c) => c.key)
          .join('.'),
      ),
      ...owned.map((e) => e.moref),
    ].join('|');
    const byMoref = new Map(owned.map((e) => [e.moref, e]));
    const withTags = (requests: PreparedRequest[]): PlannedRequest[] =>
      requests.map(({ prepared, entities }) => ({
        prepared,
        entities: entities.map(({ moref, kind }) => ({ moref, kind, tags: byMoref.get(moref)!.tags })),
      }));
    const cached = this.plans.get(key);
    if (cached) return withTags(cached);
    const plan = planQueries(
      owned
        .filter((e) => countersByKind.get(e.kind)!.length > 0)
        .map((e) => ({
          entity: { type: e.type, value: e.moref },
          metricIds: countersByKind.get(e.kind)!.map((c) => ({ counterId: c.key, instance: '*' })),
        })),
      { maxQueryMetrics, maxEntitiesPerQuery: this.limits.maxEntitiesPerQuery },
    );
    const requests = plan.map((specs) => ({
      prepared: client.prepare(specs, intervalId),
      entities: [...new Set(specs.map((s) => s.entity.value))].map((moref) => ({
        moref,
        kind: byMoref.get(moref)!.kind,
      })),
    }));
    // Plans for other entity sets belong to earlier epochs or inventories.
    for (const old of this.plans.keys()) if (old.startsWith(`${schedule}|`)) this.plans.delete(old);
    this.plans.set(key, requests);
    this.logger.log(
      `${assignment.vcenter.name}: ${schedule} plan of ${requests.length} QueryPerf requests for ${owned.length} entities`,
    );
    return withTags(requests);
  }

  private readonly warned = new Set<string>();

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.logger.warn(message);
  }
}

/** `3 entities (vm-1, vm-2, vm-3)` or `256 entities (vm-1 … vm-977)`: enough to find them in vCenter. */
function describeEntities(request: PlannedRequest): string {
  const morefs = request.entities.map((e) => e.moref);
  const list = morefs.length <= 3 ? morefs.join(', ') : `${morefs[0]} … ${morefs[morefs.length - 1]}`;
  return `${morefs.length} entities (${list})`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
