/** Per entity: the newest sample time the sinks acknowledged, and the newest handed to them. */
export interface Watermark {
  acked?: number;
  queued?: number;
  /** Where its first window started, with nothing acknowledged yet: an earlier owner wrote up to here. */
  from?: number;
  /** Where a window cut at vCenter's retention started: the samples up to here are counted lost. */
  lostUpTo?: number;
}

/**
 * The watermarks of one collector. `queue` records what went to the writer; `ack` what every sink
 * confirmed. Only acknowledged samples count as written: a collector restarting loses `queued` and
 * backfills from vCenter instead.
 */
export class Watermarks {
  private readonly byMoref = new Map<string, Watermark>();

  get(moref: string): Watermark {
    return this.byMoref.get(moref) ?? {};
  }

  queue(moref: string, sampleTime: number): void {
    const mark = this.byMoref.get(moref) ?? {};
    mark.queued = Math.max(mark.queued ?? -Infinity, sampleTime);
    this.byMoref.set(moref, mark);
  }

  ack(moref: string, sampleTime: number): void {
    const mark = this.byMoref.get(moref) ?? {};
    mark.acked = Math.max(mark.acked ?? -Infinity, sampleTime);
    if (mark.queued !== undefined && mark.queued <= mark.acked) delete mark.queued;
    this.byMoref.set(moref, mark);
  }

  /** Records the start of an entity's first window, when it has no watermark yet. */
  start(moref: string, sampleTime: number): void {
    const mark = this.byMoref.get(moref) ?? {};
    if (mark.acked === undefined && mark.queued === undefined) mark.from ??= sampleTime;
    this.byMoref.set(moref, mark);
  }

  /** Records a loss counted up to `sampleTime`, so that the next window does not count it again. */
  lose(moref: string, sampleTime: number): void {
    const mark = this.byMoref.get(moref) ?? {};
    mark.lostUpTo = Math.max(mark.lostUpTo ?? -Infinity, sampleTime);
    this.byMoref.set(moref, mark);
  }

  /** Where the next window may start besides acked and queued: written before, or counted lost. */
  settled(moref: string): number | undefined {
    const mark = this.byMoref.get(moref);
    return max(mark?.from, mark?.lostUpTo);
  }

  /**
   * Up to where the entity's samples are written or counted lost; unknown before its first window.
   * While lines wait in the writer, only what the sinks acknowledged counts: a collector killed
   * then loses them uncounted, so a loss counted beyond them must not hide them from the next owner.
   */
  writtenUpTo(moref: string): number | undefined {
    const mark = this.byMoref.get(moref);
    if (!mark) return undefined;
    return mark.queued !== undefined ? max(mark.acked, mark.from) : max(mark.acked, mark.from, mark.lostUpTo);
  }

  /** Forgets entities this collector no longer owns, so a later takeover backfills afresh. */
  retain(owned: ReadonlySet<string>): void {
    for (const moref of this.byMoref.keys()) if (!owned.has(moref)) this.byMoref.delete(moref);
  }

  get size(): number {
    return this.byMoref.size;
  }
}

function max(...values: (number | undefined)[]): number | undefined {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length ? Math.max(...known) : undefined;
}
