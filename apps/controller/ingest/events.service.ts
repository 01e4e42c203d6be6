import { Injectable, Logger } from '@nestjs/common';
import { ControllerConfig } from '@vcc/config';
import { badRequest, notFound } from '../common/field.error';
import { ControllerMetrics } from '../status/controller-metrics';
import { VcenterRepository } from '../vcenters/vcenter.repository';
import type { EventBatchDto, EventBatchResultView, EventDto, LastEventKeyView } from './event.dto';
import { EventRepository } from './event.repository';
import { firstKeyTooFarAhead, ingestWindow, inWindow } from './ingest-window';
import { PartitionRepository } from './partition.repository';

@Injectable()
export class EventsService {
  private readonly logger = new Logger('Events');

  constructor(
    private readonly config: ControllerConfig,
    private readonly vcenters: VcenterRepository,
    private readonly events: EventRepository,
    private readonly partitions: PartitionRepository,
    private readonly metrics: ControllerMetrics,
  ) {}

  /**
   * Stores a batch. A collector's batch must lie inside the ingest window and keep its keys within
   * `ingest.maxEventKeyAdvance` of the stored last key; an admin's backfill is trusted with both.
   */
  async store(batch: EventBatchDto, origin: 'collector' | 'backfill'): Promise<EventBatchResultView> {
    const vcenter = await this.vcenters.findByIdOrName(batch.vcenter);
    if (!vcenter) throw notFound('vcenter', `no vCenter with id or name ${batch.vcenter}`);
    if (origin === 'collector') await this.assertWithinBounds(batch, vcenter);
    const byKey = new Map<number, EventDto>();
    for (const event of batch.events) if (!byKey.has(event.key)) byKey.set(event.key, event);
    const unique = [...byKey.values()];
    await this.partitions.ensureMonths(
      'vcenter_event',
      unique.map((event) => new Date(event.createdTime)),
    );
    const stored = await this.events.insertNew(vcenter.id, unique);
    this.metrics.ingestedRows.inc({ kind: 'event' }, stored);
    const lastKey = await this.events.lastKey(vcenter.id);
    if (batch.events.length) {
      this.logger.log(
        `events ${vcenter.name}: ${stored} of ${batch.events.length} stored, ${batch.events.length - stored} duplicate(s), last key ${lastKey}`,
      );
    }
    return {
      vcenterId: vcenter.id,
      received: batch.events.length,
      stored,
      duplicates: batch.events.length - stored,
      lastKey,
    };
  }

  /** A collector's batch: every createdTime inside the ingest window, no key too far ahead of the stored last key. */
  private async assertWithinBounds(
    batch: EventBatchDto,
    vcenter: { id: string; name: string },
  ): Promise<void> {
    const { windowPastDays, windowFutureMinutes, maxEventKeyAdvance } = this.config.ingest;
    const window = ingestWindow(new Date(), windowPastDays, windowFutureMinutes);
    const outside = batch.events.findIndex((event) => !inWindow(new Date(event.createdTime), window));
    if (outside >= 0) {
      throw badRequest(
        `events.${outside}.createdTime`,
        `createdTime ${batch.events[outside].createdTime} is outside the ingest window ` +
          `${window.from.toISOString()} to ${window.to.toISOString()}; older events go through POST /api/v1/events/backfill`,
      );
    }
    const storedLastKey = await this.events.lastKey(vcenter.id);
    const keys = batch.events.map((event) => event.key);
    const ahead = firstKeyTooFarAhead(keys, storedLastKey, maxEventKeyAdvance);
    if (ahead >= 0) {
      const problem = `key ${keys[ahead]} is more than ingest.maxEventKeyAdvance (${maxEventKeyAdvance}) ahead of the stored last key ${storedLastKey}`;
      this.logger.warn(`events ${vcenter.name}: batch of ${keys.length} refused: ${problem}`);
      throw badRequest(`events.${ahead}.key`, problem);
    }
  }

  async lastKey(vcenterId: string): Promise<LastEventKeyView> {
    const vcenter = await this.vcenters.findById(vcenterId);
    if (!vcenter) throw notFound('id', `no vCenter with id ${vcenterId}`);
    const last = await this.events.last(vcenterId);
    return { vcenterId, lastKey: last?.key ?? null, lastTime: last?.createdTime.toISOString() ?? null };
  }
}
