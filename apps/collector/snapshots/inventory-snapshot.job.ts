import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CollectionPipeline } from '../collection/collection.pipeline';
import { ControllerClient } from '../controller/controller.client';
import { BoundaryTimer } from '../cycles/boundary-timer';
import { CycleScheduler } from '../cycles/cycle-scheduler.service';
import { MembershipService } from '../membership/membership.service';
import { InventorySnapshots } from './inventory-snapshots';

/**
 * Posts the hourly inventory snapshot on its own timer (the realtime boundaries, where a failed
 * post is tried again), so that a large post to a slow controller never holds a realtime cycle.
 * One post at a time; nothing while fenced or without groups.
 */
@Injectable()
export class InventorySnapshotJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly snapshots: InventorySnapshots;
  private readonly timer: BoundaryTimer;
  private running?: Promise<void>;

  constructor(
    controller: ControllerClient,
    private readonly membership: MembershipService,
    private readonly pipeline: CollectionPipeline,
    scheduler: CycleScheduler,
  ) {
    this.snapshots = new InventorySnapshots(controller);
    this.timer = new BoundaryTimer(
      () => scheduler.intervalSeconds('realtime'),
      (boundary) => this.run(boundary),
    );
    membership.onAnswer(() => this.timer.rearm());
  }

  onApplicationBootstrap(): void {
    this.timer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.timer.stop();
    await this.running;
  }

  private run(boundary: number): void {
    const tracker = this.membership.tracker;
    const assignment = tracker.at(boundary);
    if (
      this.running ||
      tracker.fenced(Date.now()) ||
      !assignment ||
      assignment.paused ||
      assignment.groupIndices.length === 0
    )
      return;
    const session = this.pipeline.session(assignment.vcenter);
    this.running = this.snapshots
      .maybePost(boundary, assignment, session)
      .finally(() => (this.running = undefined));
  }
}
