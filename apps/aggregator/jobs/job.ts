/** What the aggregator's job table holds, and the rules about jobs that need no database. */

export const AGGREGATION_TYPES = ['daily', 'monthly'] as const;
export type AggregationType = (typeof AGGREGATION_TYPES)[number];
export const JOB_TYPES = [...AGGREGATION_TYPES, 'retention', 'backfill', 'report'] as const;
export type JobType = (typeof JOB_TYPES)[number];
export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface Job {
  id: string;
  type: JobType;
  /**
   * YYYY-MM-DD (daily, and the day retention ran), YYYY-MM (monthly), first..last day (backfill),
   * the day or month reported (report).
   */
  period: string;
  /** null: every vCenter. */
  vcenterId: string | null;
  state: JobState;
  requestedBy: string;
  rows: number | null;
  error: string | null;
  createdAt: Date;
  /** When the job got its lock and began its work. */
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface JobRequest {
  type: JobType;
  period: string;
  vcenterId?: string | null;
  requestedBy: string;
}

/**
 * The advisory locks a job holds for its transaction, as text that PostgreSQL hashes to a lock key.
 * A job for one vCenter shares its period's lock and holds its vCenter's exclusively; a job for
 * every vCenter holds the period's lock exclusively. So the same job never runs twice at once, a
 * job for all vCenters never runs beside one for a single vCenter of the same period, and jobs for
 * two different vCenters do. Daily jobs also share their month's lock, which a monthly job holds
 * exclusively: a month is never summed while one of its days is being replaced. A report shares
 * the lock of the aggregation of its period, so that it never reads a period being replaced by a
 * job for every vCenter, and holds its own file's exclusively.
 */
export function jobLocks(job: Pick<Job, 'type' | 'period' | 'vcenterId'>): {
  shared: string[];
  exclusive: string[];
} {
  if (job.type === 'report') {
    const aggregation = job.period.length === 7 ? 'monthly' : 'daily';
    return {
      shared: [`vcc.job:${aggregation}:${job.period}`],
      exclusive: [`vcc.report:${job.period}:${job.vcenterId ?? '*'}`],
    };
  }
  const period = `vcc.job:${job.type}:${job.type === 'retention' || job.type === 'backfill' ? '*' : job.period}`;
  const locks = job.vcenterId
    ? { shared: [period], exclusive: [`${period}:${job.vcenterId}`] }
    : { shared: [], exclusive: [period] };
  if (job.type === 'daily') locks.shared.push(`vcc.month:${job.period.slice(0, 7)}`);
  if (job.type === 'monthly') locks.exclusive.push(`vcc.month:${job.period}`);
  return locks;
}

/** Calendar parts of `time` in `timeZone`. */
function calendar(time: Date, timeZone: string): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(time);
  const part = (type: string): number => Number(parts.find((p) => p.type === type)!.value);
  return { year: part('year'), month: part('month'), day: part('day') };
}

const pad = (value: number): string => String(value).padStart(2, '0');

/** The calendar day before the one `now` falls on in `timeZone`, as YYYY-MM-DD. */
export function previousDay(now: Date, timeZone: string): string {
  const today = calendar(now, timeZone);
  const day = new Date(Date.UTC(today.year, today.month - 1, today.day - 1));
  return `${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}`;
}

/** The calendar month before the one `now` falls in in `timeZone`, as YYYY-MM. */
export function previousMonth(now: Date, timeZone: string): string {
  const today = calendar(now, timeZone);
  const month = new Date(Date.UTC(today.year, today.month - 2, 1));
  return `${month.getUTCFullYear()}-${pad(month.getUTCMonth() + 1)}`;
}

/** The calendar day `now` falls on in `timeZone`, as YYYY-MM-DD. */
export function currentDay(now: Date, timeZone: string): string {
  const today = calendar(now, timeZone);
  return `${today.year}-${pad(today.month)}-${pad(today.day)}`;
}

/** How a job is named in logs: `#12 daily 2026-11-28 (all vCenters)`. */
export function describeJob(job: Pick<Job, 'id' | 'type' | 'period' | 'vcenterId'>): string {
  return `#${job.id} ${job.type} ${job.period} (${job.vcenterId ? `vCenter ${job.vcenterId}` : 'all vCenters'})`;
}
