/**
 * The times collectors may post rows for. Each month posted gets a partition, so an unbounded time
 * would let one request create hundreds of tables; history older than the window is an admin's
 * backfill.
 */
export interface IngestWindow {
  from: Date;
  to: Date;
}

export function ingestWindow(now: Date, pastDays: number, futureMinutes: number): IngestWindow {
  return {
    from: new Date(now.getTime() - pastDays * 86_400_000),
    to: new Date(now.getTime() + futureMinutes * 60_000),
  };
}

export function inWindow(time: Date, window: IngestWindow): boolean {
  return time >= window.from && time <= window.to;
}

/**
 * The index of the first key more than `maxAdvance` ahead of the stored last key, or -1. The event
 * tail resumes after the highest stored key, so one forged key far ahead would hide every real
 * event below it.
 */
export function firstKeyTooFarAhead(
  keys: readonly number[],
  lastKey: number | null,
  maxAdvance: number,
): number {
  if (lastKey === null) return -1;
  return keys.findIndex((key) => key - lastKey > maxAdvance);
}
