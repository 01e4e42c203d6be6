import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CollectionPipeline } from '../collection/collection.pipeline';
import { ControllerClient } from '../controller/controller.client';
import { BoundaryTimer } from '../cycles/boundary-timer';
import { CycleScheduler } from '../cycles/cycle-scheduler.service';
import { MembershipService } from '../membership/membership.service';
import { EventTail } from './event-tail';

/**
 * Tails vCenter's events on its own timer (the realtime boundaries) while this collector holds
 * group 0, so that reading and posting events never holds a realtime cycle. One read at a time;
 * nothing while fenced.
 */
@Injectable()
export class EventTailJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly events: EventTail;
  private readonly timer: BoundaryTimer;
  private running?: Promise<void>;

  constructor(
    controller: ControllerClient,
    private readonly membership: MembershipService,
    private readonly pipeline: CollectionPipeline,
    scheduler: CycleScheduler,
  ) {
    this.events = new EventTail(controller);
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
    if (this.running || tracker.fenced(Date.now()) || !assignment || assignment.paused) return;
    const session = this.pipeline.session(assignment.vcenter);
    this.running = this.events.maybeTail(assignment, session).finally(() => (this.running = undefined));
  }
}
