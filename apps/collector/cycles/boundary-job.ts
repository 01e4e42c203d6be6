import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { CollectionPipeline } from '../collection/collection.pipeline';
import type { Assignment } from '../controller/controller.types';
import type { MembershipService } from '../membership/membership.service';
import type { VcenterSession } from '../vcenter/vcenter-session';
import { BoundaryTimer } from './boundary-timer';
import type { CycleScheduler } from './cycle-scheduler.service';

/**
 * A job on its own timer at the realtime boundaries, so that its calls to vCenter and the
 * controller never hold a realtime cycle. One run at a time; none while fenced, paused or without
 * an assignment.
 */
export abstract class BoundaryJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly timer: BoundaryTimer;
  private running?: Promise<void>;

  protected constructor(
    private readonly membership: MembershipService,
    private readonly pipeline: CollectionPipeline,
    scheduler: CycleScheduler,
  ) {
    this.timer = new BoundaryTimer(
      () => scheduler.intervalSeconds('realtime'),
      (boundary) => this.tick(boundary),
    );
    membership.onAnswer(() => this.timer.rearm());
  }

  /** Whether the assignment gives this job anything to do (checked before a session is made). */
  protected wants(_assignment: Assignment): boolean {
    return true;
  }

  protected abstract run(boundary: number, assignment: Assignment, session: VcenterSession): Promise<void>;

  onApplicationBootstrap(): void {
    this.timer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.timer.stop();
    await this.running;
  }

  private tick(boundary: number): void {
    const tracker = this.membership.tracker;
    const assignment = tracker.at(boundary);
    if (this.running || tracker.fenced(Date.now()) || !assignment || assignment.paused) return;
    if (!this.wants(assignment)) return;
    const session = this.pipeline.session(assignment.vcenter);
    this.running = this.run(boundary, assignment, session).finally(() => (this.running = undefined));
  }
}
