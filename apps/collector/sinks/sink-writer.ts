import type { LineBatch, Sink } from './sink';
import { SinkError } from './sink';

export interface SinkWriterOptions {
  batchLines: number;
  maxBufferedLines: number;
  maxRetryDelayMs: number;
  /** Requests in flight per sink. */
  concurrency?: number;
}

/** What the writer reports, for logs and metrics. */
export interface SinkWriterObserver {
  written?(sink: string, lines: number): void;
  /**
   * A failed attempt; `retryInMs` is undefined when the batch is dropped (a 4xx), and then
   * `firstLine` is the batch's first line, so that the log shows what the sink refused.
   */
  failed?(
    sink: string,
    lines: number,
    error: SinkError,
    retryInMs: number | undefined,
    firstLine?: string,
  ): void;
  /** The number of lines waiting, whenever it changes. */
  buffered?(lines: number): void;
}

interface Ticket {
  pending: number;
  resolve: () => void;
}

interface SealedBatch extends LineBatch {
  tickets: Ticket[];
  sinksLeft: number;
}

/**
 * Collects line protocol from many QueryPerf results into batches of `batchLines`, sends every
 * batch to every sink, and tells each submitter when all sinks have its lines. That is when the
 * collector advances its watermarks. Retryable failures are retried without limit, with
 * exponential backoff; a Retry-After pauses the whole sink, not just the batch that got it, so that
 * the other requests in flight do not knock again before the sink asked. Other failures are
 * reported, with the batch's first line, and the batch dropped for that sink. At most `maxBufferedLines` wait at once: past that `submit` refuses, the caller keeps
 * its watermarks, and vCenter serves the samples again on a later cycle.
 */
export class SinkWriter {
  private open: { pieces: Buffer[]; lineCount: number; tickets: Set<Ticket> } = {
    pieces: [],
    lineCount: 0,
    tickets: new Set(),
  };
  private buffered = 0;
  private readonly queues: SealedBatch[][];
  private readonly running: number[];
  /** Per sink: no request before this time (epoch ms), from its last Retry-After. */
  private readonly pausedUntil: number[];
  private closing = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly roomWaiters: (() => void)[] = [];

  constructor(
    readonly sinks: Sink[],
    private readonly options: SinkWriterOptions,
    private readonly observer: SinkWriterObserver = {},
  ) {
    this.queues = sinks.map(() => []);
    this.running = sinks.map(() => 0);
    this.pausedUntil = sinks.map(() => 0);
  }

  /** Lines accepted and not yet acknowledged by every sink. */
  get bufferedLines(): number {
    return this.buffered;
  }

  /**
   * Takes the lines unless the buffer is full (then returns null and takes nothing). The promise
   * resolves once every sink has acknowledged them or dropped them as unwritable.
   */
  submit(batch: LineBatch): Promise<void> | null {
    if (batch.lineCount === 0) return Promise.resolve();
    if (this.closing || !this.hasRoom(batch.lineCount)) return null;
    this.buffered += batch.lineCount;
    this.observer.buffered?.(this.buffered);
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const ticket: Ticket = { pending: 0, resolve };
    let offset = 0;
    let remaining = batch.lineCount;
    while (remaining > 0) {
      const room = this.options.batchLines - this.open.lineCount;
      const take = Math.min(room, remaining);
      const end = take === remaining ? batch.lines.length : nthNewline(batch.lines, offset, take) + 1;
      this.open.pieces.push(batch.lines.subarray(offset, end));
      this.open.lineCount += take;
      if (!this.open.tickets.has(ticket)) {
        this.open.tickets.add(ticket);
        ticket.pending++;
      }
      offset = end;
      remaining -= take;
      if (this.open.lineCount >= this.options.batchLines) this.seal();
    }
    return done;
  }

  /**
   * Resolves true once `lineCount` more lines would be taken, false when `timeoutMs` passed first:
   * lets a caller that must not refuse lines (--once) wait for a slow sink instead.
   */
  async waitForRoom(lineCount: number, timeoutMs: number): Promise<boolean> {
    this.flush();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    let timedOut = false;
    void timeout.then(() => (timedOut = true));
    while (!this.hasRoom(lineCount) && !this.closing && !timedOut) {
      await Promise.race([new Promise<void>((resolve) => this.roomWaiters.push(resolve)), timeout]);
    }
    clearTimeout(timer);
    return this.hasRoom(lineCount) && !this.closing;
  }

  /** Sends the partly filled batch now (end of a cycle). */
  flush(): void {
    if (this.open.lineCount > 0) this.seal();
  }

  /** Resolves when nothing is buffered, or after `timeoutMs`; returns whether everything was written. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.flush();
    if (this.buffered === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true)));
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const result = await Promise.race([idle, timeout]);
    clearTimeout(timer);
    return result;
  }

  /** Stops retrying; lines still buffered are abandoned (their watermarks never advanced). */
  async close(): Promise<void> {
    this.closing = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const wake of this.roomWaiters.splice(0)) wake();
    await Promise.all(this.sinks.map((sink) => sink.close()));
  }

  /**
   * An empty buffer takes any submission, however large; otherwise one bigger than the whole
   * buffer could never be accepted and its entities would never advance.
   */
  private hasRoom(lineCount: number): boolean {
    return this.buffered === 0 || this.buffered + lineCount <= this.options.maxBufferedLines;
  }

  private seal(): void {
    const batch: SealedBatch = {
      lines: this.open.pieces.length === 1 ? this.open.pieces[0] : Buffer.concat(this.open.pieces),
      lineCount: this.open.lineCount,
      tickets: [...this.open.tickets],
      sinksLeft: this.sinks.length,
    };
    this.open = { pieces: [], lineCount: 0, tickets: new Set() };
    if (this.sinks.length === 0) return this.finish(batch);
    this.queues.forEach((queue, index) => {
      queue.push(batch);
      this.pump(index);
    });
  }

  private pump(index: number): void {
    const concurrency = this.options.concurrency ?? 2;
    while (this.running[index] < concurrency && this.queues[index].length > 0 && !this.closing) {
      const batch = this.queues[index].shift()!;
      this.running[index]++;
      void this.send(index, batch, 1).finally(() => {
        this.running[index]--;
        this.pump(index);
      });
    }
  }

  private async send(index: number, batch: SealedBatch, attempt: number): Promise<void> {
    const sink = this.sinks[index];
    for (;;) {
      // Another request to this sink may have been told to wait while this one was queued or waiting.
      while (this.pausedUntil[index] > Date.now() && !this.closing)
        await this.sleep(this.pausedUntil[index] - Date.now());
      if (this.closing) return;
      try {
        await sink.write(batch);
        this.observer.written?.(sink.name, batch.lineCount);
        break;
      } catch (error) {
        const failure =
          error instanceof SinkError ? error : new SinkError(String((error as Error).message), true);
        if (!failure.retryable) {
          this.observer.failed?.(sink.name, batch.lineCount, failure, undefined, firstLine(batch.lines));
          break;
        }
        if (failure.retryAfterMs !== undefined)
          this.pausedUntil[index] = Math.max(this.pausedUntil[index], Date.now() + failure.retryAfterMs);
        const delay =
          failure.retryAfterMs ??
          Math.min(this.options.maxRetryDelayMs, 500 * 2 ** Math.min(attempt - 1, 16));
        this.observer.failed?.(sink.name, batch.lineCount, failure, delay);
        attempt++;
        await this.sleep(delay);
      }
    }
    if (--batch.sinksLeft === 0) this.finish(batch);
  }

  /** A timer that close() cancels (the promise then never resolves, and send() is abandoned). */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private finish(batch: SealedBatch): void {
    this.buffered -= batch.lineCount;
    this.observer.buffered?.(this.buffered);
    for (const ticket of batch.tickets) if (--ticket.pending === 0) ticket.resolve();
    for (const wake of this.roomWaiters.splice(0)) wake();
    if (this.buffered === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }
}

/** The first line of a batch, cut at 500 characters (a line is normally far shorter). */
function firstLine(lines: Buffer): string {
  const end = lines.indexOf(10);
  return lines.subarray(0, Math.min(end < 0 ? lines.length : end, 500)).toString('utf8');
}

/** Byte offset of the `count`-th newline at or after `from`. */
function nthNewline(buffer: Buffer, from: number, count: number): number {
  let at = from - 1;
  for (let i = 0; i < count; i++) {
    at = buffer.indexOf(10, at + 1);
    if (at < 0) throw new Error('line count exceeds the newlines in the batch');
  }
  return at;
}
