import { Injectable, Logger } from '@nestjs/common';
import { notFound } from '../common/field.error';
import { ControllerMetrics } from '../status/controller-metrics';
import { VcenterRepository } from '../vcenters/vcenter.repository';
import type { EventBatchDto, EventBatchResultView, EventDto, LastEventKeyView } from './event.dto';
import { EventRepository } from './event.repository';
import { PartitionRepository } from './partition.repository';

@Injectable()
export class EventsService {
  private readonly logger = new Logger('Events');

  constructor(
    private readonly vcenters: VcenterRepository,
    private readonly events: EventRepository,
    private readonly partitions: PartitionRepository,
    private readonly metrics: ControllerMetrics,
  ) {}

  async store(batch: EventBatchDto): Promise<EventBatchResultView> {
    const vcenter = await this.vcenters.findByIdOrName(batch.vcenter);
    if (!vcenter) throw notFound('vcenter', `no vCenter with id or name ${batch.vcenter}`);
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

  async lastKey(vcenterId: string): Promise<LastEventKeyView> {
    const vcenter = await this.vcenters.findById(vcenterId);
    if (!vcenter) throw notFound('id', `no vCenter with id ${vcenterId}`);
    return { vcenterId, lastKey: await this.events.lastKey(vcenterId) };
  }
}
