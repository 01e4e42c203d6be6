import type { RetentionConfig } from '@vcc/config';

/** The instants before which each kind of history expires. */
export interface RetentionCuts {
  /** Hourly snapshots (rows, registry, hourly totals): `retention.hourlyDays` before now. */
  hourly: Date;
  /** vCenter events: `retention.eventDays` before now. */
  events: Date;
  /**
   * Daily summaries, their cluster rows and daily totals: the first day of the month
   * `retention.dailyMonths` before the current one (in the chargeback time zone), as YYYY-MM-DD.
   */
  dailyFrom: string;
}

const DAY_MS = 86_400_000;

export function retentionCuts(now: Date, retention: RetentionConfig, currentMonth: string): RetentionCuts {
  const [year, month] = currentMonth.split('-').map(Number);
  const first = new Date(Date.UTC(year, month - 1 - retention.dailyMonths, 1));
  return {
    hourly: new Date(now.getTime() - retention.hourlyDays * DAY_MS),
    events: new Date(now.getTime() - retention.eventDays * DAY_MS),
    dailyFrom: first.toISOString().slice(0, 10),
  };
}

/**
 * Rows of unpartitioned tables follow the partitions: registry rows and hourly totals go with the
 * month whose snapshot partitions went, so that a snapshot the registry lists always has its rows.
 * That is the first instant of the UTC month `cut` falls in.
 */
export function monthStartUtc(cut: Date): Date {
  return new Date(Date.UTC(cut.getUTCFullYear(), cut.getUTCMonth(), 1));
}
