import { Injectable } from '@nestjs/common';
import { CollectorConfig } from '@vcc/config';
import { CollectionPipeline } from '../collection/collection.pipeline';
import { ControllerClient } from '../controller/controller.client';
import type { Assignment } from '../controller/controller.types';
import { BoundaryJob } from '../cycles/boundary-job';
import { CycleScheduler } from '../cycles/cycle-scheduler.service';
import { MembershipService } from '../membership/membership.service';
import type { VcenterSession } from '../vcenter/vcenter-session';
import { EventTail } from './event-tail';

/** Tails vCenter's events while this collector holds group 0, beside the realtime cycles. */
@Injectable()
export class EventTailJob extends BoundaryJob {
  private readonly events: EventTail;

  constructor(
    controller: ControllerClient,
    membership: MembershipService,
    pipeline: CollectionPipeline,
    scheduler: CycleScheduler,
    config: CollectorConfig,
  ) {
    super(membership, pipeline, scheduler);
    this.events = new EventTail(controller, config.events.streamBeginSeconds);
  }

  protected run(_boundary: number, assignment: Assignment, session: VcenterSession): Promise<void> {
    return this.events.maybeTail(assignment, session);
  }
}
