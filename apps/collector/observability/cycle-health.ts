import type { Schedule } from '../collection/perf-collector';

/**
 * Realtime cycles that failed in a row, and the last failure of any cycle, for /health: a cycle
 * fails when it throws (vCenter unreachable, a control-plane call answered with a fault) or when
 * any of its requests failed. One failure is a blip; `failedCyclesUnhealthy` in a row make the
 * collector unhealthy long before the staleness check (three intervals without success) would.
 * Historical cycles run every 5 minutes or more, too seldom to count in a row.
 */
export class CycleHealth {
  private failedInARow = 0;
  private lastFailure: string | null = null;

  constructor(private readonly failedCyclesUnhealthy: number) {}

  succeeded(schedule: Schedule): void {
    if (schedule === 'realtime') this.failedInARow = 0;
  }

  failed(schedule: Schedule, reason: string): void {
    if (schedule === 'realtime') this.failedInARow++;
    this.lastFailure = `${schedule}: ${reason}`;
  }

  get failedCyclesInARow(): number {
    return this.failedInARow;
  }

  /** The latest failure's cause, kept after a success so that /health can still say what happened. */
  get lastError(): string | null {
    return this.lastFailure;
  }

  /** Why the collector is unhealthy, or null. */
  get problem(): string | null {
    return this.failedInARow >= this.failedCyclesUnhealthy
      ? `${this.failedInARow} realtime cycles in a row failed`
      : null;
  }
}
