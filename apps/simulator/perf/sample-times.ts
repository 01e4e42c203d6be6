export interface SampleWindow {
  /** Seconds between samples; samples sit at its multiples. */
  interval: number;
  /** Seconds samples are kept: the oldest is newer than now − retention. */
  retention: number;
  /** Unix seconds. */
  now: number;
  /** Exclusive, Unix seconds. */
  startTime?: number;
  /** Inclusive, Unix seconds. */
  endTime?: number;
  /** The most recent N samples only (realtime queries). */
  maxSample?: number;
  /** No samples before this (an entity created later), Unix seconds. */
  notBefore?: number;
}

/**
 * The timestamps QueryPerf returns, oldest first, as vCenter selects them: multiples of the interval
 * within the retention, after startTime and up to endTime, the newest maxSample of them.
 */
export function sampleTimes(window: SampleWindow): number[] {
  const { interval } = window;
  const latest = Math.floor(window.now / interval) * interval;
  let first = Math.floor((window.now - window.retention) / interval) * interval + interval;
  let last = latest;
  if (window.startTime !== undefined)
    first = Math.max(first, Math.floor(window.startTime / interval) * interval + interval);
  if (window.endTime !== undefined) last = Math.min(last, Math.floor(window.endTime / interval) * interval);
  if (window.notBefore !== undefined)
    first = Math.max(first, Math.ceil(window.notBefore / interval) * interval);
  if (window.maxSample) first = Math.max(first, last - (window.maxSample - 1) * interval);
  const times: number[] = [];
  for (let t = first; t <= last; t += interval) times.push(t);
  return times;
}
