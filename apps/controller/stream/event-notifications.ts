import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import { ControllerConfig } from '@vcc/config';
import { EVENT_CHANNEL } from '../ingest/event.repository';

/**
 * Told the vCenter and highest key a commit stored, or `null, null` when commits of any vCenter may
 * have gone unheard.
 */
export type NotificationHandler = (vcenterId: string | null, highestKey: number | null) => void;

const RECONNECT_MAX_MS = 10_000;

/**
 * This replica's one LISTEN connection, shared by every watch: ingest NOTIFYs on commit with the
 * vCenter and its highest new key, and watches read the rows themselves. A lost connection is
 * reopened with backoff; handlers are then told that they may have missed commits.
 */
@Injectable()
export class EventNotifications implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('EventNotifications');
  private readonly handlers = new Set<NotificationHandler>();
  private client?: Client;
  private retryTimer?: NodeJS.Timeout;
  private failures = 0;
  private stopped = false;

  constructor(private readonly config: ControllerConfig) {}

  onApplicationBootstrap(): Promise<void> {
    return this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.client?.end().catch(() => undefined);
  }

  subscribe(handler: NotificationHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.database.url });
    this.client = client;
    client.on('notification', ({ payload }) => {
      const [vcenterId, key] = (payload ?? '').split(' ');
      this.emit(vcenterId, Number(key));
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection closed')));
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENT_CHANNEL}`);
    } catch (error) {
      this.lost(client, error as Error);
      return;
    }
    if (this.failures > 0) this.logger.log('listening for new events again');
    this.failures = 0;
    // Commits while no connection listened went unheard.
    this.emit(null, null);
  }

  private lost(client: Client, error: Error): void {
    if (this.stopped || this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners();
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    const delay = Math.min(RECONNECT_MAX_MS, 500 * 2 ** this.failures);
    this.failures += 1;
    this.logger.warn(`event notifications lost (${error.message}); reconnecting in ${delay} ms`);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private emit(vcenterId: string | null, highestKey: number | null): void {
    for (const handler of this.handlers) handler(vcenterId, highestKey);
  }
}
