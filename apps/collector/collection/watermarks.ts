/** Per entity: the newest sample time the sinks acknowledged, and the newest handed to them. */
export interface Watermark {
  acked?: number;
  queued?: number;
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

  /** Forgets entities this collector no longer owns, so a later takeover backfills afresh. */
  retain(owned: ReadonlySet<string>): void {
    for (const moref of this.byMoref.keys()) if (!owned.has(moref)) this.byMoref.delete(moref);
  }

  get size(): number {
    return this.byMoref.size;
  }
}
