/** Per entity: the newest sample time the sinks acknowledged, and the newest handed to them. */
export interface Watermark {
  acked?: number;
  queued?: number;
  /**
   * Where a window started without acknowledged samples to go on: written before by an earlier
   * owner (the backfill start), or counted lost once (a window cut at vCenter's retention).
   */
  settled?: number;
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

  settle(moref: string, sampleTime: number): void {
    const mark = this.byMoref.get(moref) ?? {};
    mark.settled = Math.max(mark.settled ?? -Infinity, sampleTime);
    this.byMoref.set(moref, mark);
  }

  /** Up to where the entity's samples are written or counted lost; unknown before its first window. */
  writtenUpTo(moref: string): number | undefined {
    const mark = this.byMoref.get(moref);
    if (mark?.acked === undefined && mark?.settled === undefined) return undefined;
    return Math.max(mark.acked ?? -Infinity, mark.settled ?? -Infinity);
  }

  /** Forgets entities this collector no longer owns, so a later takeover backfills afresh. */
  retain(owned: ReadonlySet<string>): void {
    for (const moref of this.byMoref.keys()) if (!owned.has(moref)) this.byMoref.delete(moref);
  }

  get size(): number {
    return this.byMoref.size;
  }
}
