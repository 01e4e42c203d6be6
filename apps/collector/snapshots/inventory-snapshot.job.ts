import { Injectable } from '@nestjs/common';
import { CollectionPipeline } from '../collection/collection.pipeline';
import { ControllerClient } from '../controller/controller.client';
import type { Assignment } from '../controller/controller.types';
import { BoundaryJob } from '../cycles/boundary-job';
import { CycleScheduler } from '../cycles/cycle-scheduler.service';
import { MembershipService } from '../membership/membership.service';
import type { VcenterSession } from '../vcenter/vcenter-session';
import { InventorySnapshots } from './inventory-snapshots';

/**
 * Posts the hourly inventory snapshot beside the realtime cycles (a failed post is tried again at
 * the next boundary), so that a large post to a slow controller never holds a cycle.
 */
@Injectable()
export class InventorySnapshotJob extends BoundaryJob {
  private readonly snapshots: InventorySnapshots;

  constructor(
    controller: ControllerClient,
    membership: MembershipService,
    pipeline: CollectionPipeline,
    scheduler: CycleScheduler,
  ) {
    super(membership, pipeline, scheduler);
    this.snapshots = new InventorySnapshots(controller);
  }

  protected override wants(assignment: Assignment): boolean {
    return assignment.groupIndices.length > 0;
  }

  protected run(boundary: number, assignment: Assignment, session: VcenterSession): Promise<void> {
    return this.snapshots.maybePost(boundary, assignment, session);
  }
}
