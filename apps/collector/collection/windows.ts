/**
 * Query windows, in epoch seconds. Pure functions: the maths of "no lost samples" lives here.
 *
 * A realtime entity's next query starts after the newest sample the sinks acknowledged (its
 * watermark) or already hold in the writer's buffer, so nothing is read twice while nothing is
 * skipped. An entity without either (newly acquired, or this collector just started) backfills from
 * before its previous owner can have stopped. vCenter keeps realtime samples for an hour: a window
 * reaching further back is cut there, and the part cut off is lost — counted, never silent.
 */

export interface RealtimeWindowInput {
  /** Newest acknowledged sample, if any. */
  acked?: number;
  /** Newest sample handed to the writer and not yet acknowledged, if any. */
  queued?: number;
  /** Written before this collector's first window, or counted lost, up to here (see Watermark), if any. */
  settled?: number;
  /** Where an entity without a watermark starts. */
  backfillFrom: number;
  /** vCenter's current time. */
  end: number;
  /** Realtime sample interval (vCenter's refresh rate, 20 s). */
  sampleSeconds: number;
  /** How long vCenter keeps realtime samples. */
  retentionSeconds: number;
}

export interface Window {
  /** Exclusive start. */
  start: number;
  end: number;
  maxSample: number;
  /** Sample times that fell out of vCenter's retention before anyone read them. */
  lostSamples: number;
}

export function realtimeWindow(input: RealtimeWindowInput): Window {
  const from = Math.max(input.acked ?? -Infinity, input.queued ?? -Infinity, input.settled ?? -Infinity);
  let start = Number.isFinite(from) ? from : input.backfillFrom;
  // The oldest sample vCenter still has is about one retention before now; a start just before it reads it.
  const oldest = input.end - input.retentionSeconds + input.sampleSeconds;
  let lostSamples = 0;
  if (start < oldest - input.sampleSeconds) {
    lostSamples = Math.floor((oldest - input.sampleSeconds - start) / input.sampleSeconds);
    start = oldest - input.sampleSeconds;
  }
  const maxSample = Math.max(1, Math.ceil((input.end - start) / input.sampleSeconds));
  return { start, end: input.end, maxSample, lostSamples };
}

/**
 * Where entities taken over at an epoch change start. The design's bound is effectiveFrom − lease
 * TTL − one interval; vcc doubles the TTL and the interval, because the controller notices an
 * expired lease only at its next reaper pass and the dead member's last cycle may never have been
 * acknowledged. Overlap is harmless: writes are idempotent.
 */
export function backfillStart(
  effectiveFromSeconds: number,
  leaseTtlSeconds: number,
  cycleSeconds: number,
): number {
  return effectiveFromSeconds - 2 * leaseTtlSeconds - 2 * cycleSeconds;
}

/**
 * Where an entity without a watermark starts. One this collector has known since before the
 * takeover start was known to its previous owner too, which collected it up to about then: it starts
 * at `takeoverStart`. One that appeared later (created, powered on, moved in) may have been known to
 * no collector at all, so it starts from its boot time — one sample earlier, for the clocks of host
 * and vCenter — or, when that is unknown or older, from the oldest sample vCenter still keeps.
 * Samples from before it appeared are not counted as lost: they were never this cluster's to collect.
 */
export function firstWindowStart(input: {
  takeoverStart: number;
  /** When the entity appeared in this collector's inventory; unknown for its first read. */
  appearedAt?: number;
  bootTime: number | null;
  end: number;
  sampleSeconds: number;
  retentionSeconds: number;
}): number {
  if (input.appearedAt === undefined || input.appearedAt < input.takeoverStart) return input.takeoverStart;
  const oldestKept = input.end - input.retentionSeconds;
  return input.bootTime === null ? oldestKept : Math.max(input.bootTime - input.sampleSeconds, oldestKept);
}

/**
 * Historical rollups (clusters, datastores) can arrive 15–30 minutes late, so every historical
 * cycle reads back `lookbackIntervals` intervals even when the watermark is newer; samples that
 * were already written are overwritten with the same values.
 */
export function historicalWindow(input: {
  acked?: number;
  end: number;
  intervalSeconds: number;
  lookbackIntervals: number;
}): Window {
  const lookback = input.end - input.lookbackIntervals * input.intervalSeconds;
  const start = Math.min(input.acked ?? lookback, lookback);
  return {
    start,
    end: input.end,
    maxSample: Math.max(1, Math.ceil((input.end - start) / input.intervalSeconds)),
    lostSamples: 0,
  };
}
