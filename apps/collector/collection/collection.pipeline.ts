import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { CollectorConfig } from '@vcc/config';
import type { LineSchema } from '@vcc/vsphere';
import type { Assignment, VcenterConnection } from '../controller/controller.types';
import { CollectorMetrics } from '../observability/collector.metrics';
import { createSinks } from '../sinks/sinks.factory';
import { SinkWriter, type SinkWriterObserver } from '../sinks/sink-writer';
import { VcenterSession, type VcenterSessionOptions } from '../vcenter/vcenter-session';
import { PerfCollector, type CycleResult, type PreparedPlans, type Schedule } from './perf-collector';
import { PerfPool } from './perf-pool';

/** The sinks' schema: the config allows one for all (OneSchema). */
export function lineSchema(config: CollectorConfig): LineSchema {
  return config.sinks[0]?.schema ?? 'telegraf';
}

export interface CollectionPipelineOptions {
  metrics?: CollectorMetrics;
  writerObserver?: SinkWriterObserver;
  /** Where each vCenter's session reports its calls, re-logins and failed connections. */
  sessionObserver?: (vcenter: VcenterConnection) => VcenterSessionOptions['observer'];
  /** How long an inventory read whole is used (with the changes events report) before reading it again. */
  inventoryTtlMs?: number;
}

/**
 * The perf pipeline: the vCenter session of the current assignment, the perf collector on it, the
 * worker pool and the sink writer, wired once from the configuration. The service, `--once` and
 * bench/collector all collect through one of these.
 */
export class CollectionPipeline implements OnApplicationShutdown {
  readonly metrics: CollectorMetrics;
  readonly pool: PerfPool;
  readonly writer: SinkWriter;
  private current?: { session: VcenterSession; collector: PerfCollector };
  private readonly plansBySession = new WeakMap<VcenterSession, PreparedPlans>();

  constructor(
    private readonly config: CollectorConfig,
    private readonly options: CollectionPipelineOptions = {},
  ) {
    this.metrics = options.metrics ?? new CollectorMetrics();
    this.pool = new PerfPool(config.perf.threads);
    this.writer = new SinkWriter(
      createSinks(config.sinks, config.write),
      {
        batchLines: config.write.batchLines,
        maxBufferedLines: config.write.maxBufferedLines,
        maxRetryDelayMs: config.write.maxRetryDelaySeconds * 1000,
      },
      options.writerObserver,
    );
  }

  /** The session to this vCenter: the open one, or a new one when the assignment's connection changed. */
  session(vcenter: VcenterConnection): VcenterSession {
    return this.connection(vcenter).session;
  }

  /** One cycle of the assignment's vCenter (see PerfCollector.collect). */
  collect(
    schedule: Schedule,
    boundaryMs: number,
    assignment: Assignment,
    options: Parameters<PerfCollector['collect']>[3],
  ): Promise<CycleResult> {
    return this.connection(assignment.vcenter).collector.collect(schedule, boundaryMs, assignment, options);
  }

  /**
   * A collector on `session` with no watermarks yet, sharing this pipeline's pool and writer, and
   * the requests prepared for the session.
   */
  createCollector(session: VcenterSession): PerfCollector {
    const perf = this.config.perf;
    let plans = this.plansBySession.get(session);
    if (!plans) this.plansBySession.set(session, (plans = new Map()));
    return new PerfCollector(
      session,
      this.pool,
      this.writer,
      this.metrics,
      {
        maxEntitiesPerQuery: perf.maxEntitiesPerQuery,
        delayBetweenRequestsMs: perf.delayBetweenRequestsMs,
        historicalLookbackIntervals: perf.historicalLookbackIntervals,
        realtimeRetentionSeconds: perf.realtimeRetentionSeconds,
        schema: lineSchema(this.config),
      },
      plans,
    );
  }

  /**
   * Waits up to `drainMs` for the sinks to take what is buffered, then closes everything. False when
   * lines were left unacknowledged.
   */
  async close(drainMs = 10_000): Promise<boolean> {
    const written = await this.writer.drain(drainMs);
    await this.writer.close();
    await this.current?.session.close();
    await this.pool.close();
    return written;
  }

  /** After the cycles and jobs have stopped (beforeApplicationShutdown). */
  async onApplicationShutdown(): Promise<void> {
    if (!(await this.writer.drain(10_000)))
      new Logger('Collector').warn(
        `${this.writer.bufferedLines} lines not acknowledged at shutdown; their samples stay on vCenter for the next owner`,
      );
    await this.close(0);
  }

  private connection(vcenter: VcenterConnection): { session: VcenterSession; collector: PerfCollector } {
    if (this.current?.session.matches(vcenter)) return this.current;
    void this.current?.session.close();
    const session = new VcenterSession(vcenter, {
      timeoutMs: this.config.perf.timeoutSeconds * 1000,
      inventoryTtlMs: this.options.inventoryTtlMs ?? this.config.inventory.refreshSeconds * 1000,
      maxObjects: this.config.inventory.maxObjects,
      schema: lineSchema(this.config),
      observer: this.options.sessionObserver?.(vcenter) ?? {},
    });
    this.current = { session, collector: this.createCollector(session) };
    return this.current;
  }
}

export function createCollectionPipeline(
  config: CollectorConfig,
  options: CollectionPipelineOptions = {},
): CollectionPipeline {
  return new CollectionPipeline(config, options);
}
