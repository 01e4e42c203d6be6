import type { Writable } from 'node:stream';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ControllerConfig } from '@vcc/config';
import { toCloudEvent, type EventSource, type StoredEvent } from './cloud-event';
import { EventNotifications } from './event-notifications';
import { EventStreamRepository } from './event-stream.repository';

/** Events per read, for a feed or a watch catching up. */
const PAGE = 1000;
const RETRY_MS = 1000;

type EventPredicate = (event: StoredEvent) => boolean;

/**
 * The live side of one vCenter's stream in this replica: on a notification it reads the new rows
 * once, turns them into NDJSON lines once, and hands them to every watch that is caught up. A watch
 * that is behind (just opened, or its client too slow to keep up) reads on its own until it reaches
 * the feed, so a slow client holds no buffer here and cannot stall the others.
 */
class Feed {
  readonly watches = new Set<Watch>();
  /** The highest key handed to caught-up watches; unset until the first watch caught up. */
  position?: number;
  private dirty = false;
  private reading = false;

  constructor(
    readonly vcenterId: string,
    readonly source: EventSource,
    private readonly repository: EventStreamRepository,
    private readonly logger: Logger,
  ) {}

  line(event: StoredEvent): string {
    return `${JSON.stringify(toCloudEvent(this.source, event))}\n`;
  }

  read(afterKey: number): Promise<StoredEvent[]> {
    return this.repository.after(this.vcenterId, afterKey, PAGE);
  }

  /** A commit stored keys up to `highestKey` (null: unknown, read anyway). */
  notify(highestKey: number | null): void {
    if (highestKey !== null && this.position !== undefined && highestKey <= this.position) return;
    this.dirty = true;
    void this.pump();
  }

  /** Reads until a short page leaves nothing new, again if a notification came meanwhile. */
  async pump(): Promise<void> {
    if (this.reading || this.position === undefined || !this.dirty || this.watches.size === 0) return;
    this.reading = true;
    try {
      while (this.dirty && this.watches.size > 0) {
        this.dirty = false;
        for (;;) {
          const events = await this.read(this.position);
          if (events.length === 0) break;
          const lines = events.map((event) => this.line(event));
          this.position = events[events.length - 1].key;
          for (const watch of this.watches) if (watch.live) watch.deliver(events, lines);
          if (events.length < PAGE) break;
        }
      }
    } catch (error) {
      this.logger.warn(`watch feed of vCenter ${this.source.name}: ${(error as Error).message}; retrying`);
      this.dirty = true;
      setTimeout(() => void this.pump(), RETRY_MS).unref();
    } finally {
      this.reading = false;
    }
  }
}

/** One client's watch: delivers every event with a key above `sent`, in key order, once. */
class Watch {
  live = false;
  private catching = false;
  private closed = false;

  constructor(
    private readonly feed: Feed,
    private readonly out: Writable,
    private readonly keep: EventPredicate,
    /** The highest key delivered (or skipped by the filter). */
    private sent: number,
    private readonly logger: Logger,
  ) {}

  /** Events from the feed; the ones up to `sent` were read by this watch already. */
  deliver(events: StoredEvent[], lines: string[]): void {
    let chunk = '';
    events.forEach((event, i) => {
      if (event.key > this.sent && this.keep(event)) chunk += lines[i];
    });
    this.sent = Math.max(this.sent, events[events.length - 1].key);
    if (chunk && !this.out.write(chunk)) {
      // The client is slower than the events: let the socket drain, then read from the database.
      this.live = false;
      this.out.once('drain', () => void this.catchUp());
    }
  }

  /** Reads from the database until level with the feed, then takes the feed's events. */
  async catchUp(): Promise<void> {
    if (this.catching || this.closed) return;
    this.catching = true;
    try {
      while (!this.closed && (this.feed.position === undefined || this.sent < this.feed.position)) {
        const events = (await this.feed.read(this.sent)).filter((event) => event.key > this.sent);
        if (this.closed || events.length === 0) break;
        const chunk = events
          .filter(this.keep)
          .map((event) => this.feed.line(event))
          .join('');
        this.sent = events[events.length - 1].key;
        if (chunk && !this.out.write(chunk)) await this.drained();
        if (events.length < PAGE && this.feed.position === undefined) break;
      }
      if (this.closed) return;
      this.live = true;
      this.feed.position ??= this.sent;
      void this.feed.pump();
    } catch (error) {
      this.logger.warn(`watch of vCenter ${this.feed.source.name}: ${(error as Error).message}; closing it`);
      this.out.end();
    } finally {
      this.catching = false;
    }
  }

  heartbeat(line: string): void {
    if (this.out.writableLength === 0) this.out.write(line);
  }

  close(): void {
    this.closed = true;
    this.live = false;
  }

  end(): void {
    this.close();
    this.out.end();
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('close', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('close', done);
    });
  }
}

/**
 * Every open watch of this replica, grouped into one feed per vCenter, all fed by the one LISTEN
 * connection (EventNotifications). No watch polls: rows are read when a commit is announced, when
 * a watch catches up, and once after the listener reconnects. Heartbeat lines keep idle streams
 * (and the proxies in between) from timing out.
 */
@Injectable()
export class EventWatches implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('EventWatches');
  private readonly feeds = new Map<string, Feed>();
  private heartbeatTimer?: NodeJS.Timeout;

  constructor(
    private readonly config: ControllerConfig,
    private readonly repository: EventStreamRepository,
    notifications: EventNotifications,
  ) {
    notifications.subscribe((vcenterId, highestKey) => {
      if (vcenterId === null) for (const feed of this.feeds.values()) feed.notify(null);
      else this.feeds.get(vcenterId)?.notify(highestKey);
    });
  }

  onApplicationBootstrap(): void {
    this.heartbeatTimer = setInterval(() => {
      const line = `${JSON.stringify({ heartbeat: new Date().toISOString() })}\n`;
      for (const feed of this.feeds.values()) for (const watch of feed.watches) watch.heartbeat(line);
    }, this.config.events.heartbeatSeconds * 1000);
  }

  /** Ends every watch so that shutdown does not wait for clients that never hang up. */
  onModuleDestroy(): void {
    clearInterval(this.heartbeatTimer);
    for (const feed of this.feeds.values()) for (const watch of feed.watches) watch.end();
    this.feeds.clear();
  }

  /** Streams the events of `vcenterId` with a key above `afterKey` to `out` until it closes. */
  open(vcenterId: string, source: EventSource, afterKey: number, keep: EventPredicate, out: Writable): void {
    // A client gone while the request was checked has had its 'close' already.
    if (out.destroyed) return;
    let feed = this.feeds.get(vcenterId);
    if (!feed) {
      feed = new Feed(vcenterId, source, this.repository, this.logger);
      this.feeds.set(vcenterId, feed);
    }
    const watch = new Watch(feed, out, keep, afterKey, this.logger);
    feed.watches.add(watch);
    const opened = feed;
    out.once('close', () => {
      watch.close();
      opened.watches.delete(watch);
      if (opened.watches.size === 0 && this.feeds.get(vcenterId) === opened) this.feeds.delete(vcenterId);
    });
    void watch.catchUp();
  }
}
