import { boundaryAtOrAfter } from '@vcc/contract';

/**
 * Calls `onBoundary` at every wall-clock multiple of an interval that may change (the controller
 * sets it with the assignment). `rearm()` after a change: an earlier boundary replaces the one armed.
 */
export class BoundaryTimer {
  private armed?: { timer: NodeJS.Timeout; boundary: number };
  private stopped = false;

  constructor(
    private readonly intervalSeconds: () => number,
    private readonly onBoundary: (boundaryMs: number) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.rearm();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.armed?.timer);
    this.armed = undefined;
  }

  /** Arms the next boundary after `after`, unless an earlier one is armed. */
  rearm(after = Date.now()): void {
    if (this.stopped) return;
    // Timers can fire a little early: the next boundary is strictly after the one just reached.
    const boundary = boundaryAtOrAfter(Math.max(after, Date.now()) + 1, this.intervalSeconds());
    if (this.armed && this.armed.boundary <= boundary) return;
    clearTimeout(this.armed?.timer);
    const timer = setTimeout(() => {
      this.armed = undefined;
      this.rearm(boundary);
      this.onBoundary(boundary);
    }, boundary - Date.now());
    this.armed = { timer, boundary };
  }
}
