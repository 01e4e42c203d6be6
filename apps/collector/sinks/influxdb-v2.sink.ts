import { HttpError, InfluxDB, setLogger, type WriteApi } from '@influxdata/influxdb-client';
import { Logger } from '@nestjs/common';
import type { SinkConfig } from '@vcc/config';
import { isNetworkError, retryableStatus, SinkError, type LineBatch, type Sink } from './sink';

// The client logs through console by default; vcc logs JSON lines.
const clientLogger = new Logger('InfluxDBClient');
const toDebug = (message: string, error?: unknown): void =>
  clientLogger.debug(`${message} ${String((error as Error | undefined)?.message ?? '')}`);
setLogger({ error: toDebug, warn: toDebug });

/**
 * The InfluxDB v2 write API (`/api/v2/write`, org, bucket, token) through @influxdata/influxdb-client,
 * precision seconds. The client's own buffering and retries are off: they give up after about three
 * minutes and drop lines, while vcc retries until the sink is back and otherwise re-reads the samples
 * from vCenter (see the sink writer).
 */
export class InfluxDbV2Sink implements Sink {
  readonly name: string;
  private readonly api: WriteApi;
  /** The WriteApi holds one buffer: writes must not interleave, or one flush would carry another's lines. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(config: SinkConfig, token: string, options: { gzip: boolean; timeoutMs: number }) {
    this.name = `influxdb-v2 ${new URL(config.url!).host}/${config.bucket}`;
    const client = new InfluxDB({ url: config.url!, token, timeout: options.timeoutMs });
    this.api = client.getWriteApi(config.org!, config.bucket!, 's', {
      // Counted in records, and vcc writes one multi-line record per request and flushes it itself.
      batchSize: 1000,
      maxBatchBytes: 512 * 1024 * 1024,
      flushInterval: 0,
      maxRetries: 0,
      maxBufferLines: Number.MAX_SAFE_INTEGER,
      gzipThreshold: options.gzip ? 1000 : Number.MAX_SAFE_INTEGER,
    });
  }

  write(batch: LineBatch): Promise<void> {
    const done = this.queue.then(() => this.send(batch));
    this.queue = done.catch(() => undefined);
    return done;
  }

  private async send(batch: LineBatch): Promise<void> {
    // One record holding many lines: the client joins records with newlines, so this is exact.
    this.api.writeRecord(batch.lines.toString('utf8', 0, batch.lines.length - 1));
    try {
      await this.api.flush();
    } catch (error) {
      if (error instanceof HttpError) {
        const retryAfter = error.retryAfter(); // seconds, from the Retry-After header
        throw new SinkError(
          `${this.name}: ${error.message}`,
          retryableStatus(error.statusCode),
          retryAfter > 0 ? retryAfter * 1000 : undefined,
        );
      }
      throw new SinkError(
        `${this.name}: ${(error as Error).message}`,
        isNetworkError(error) || (error as Error).name === 'RequestTimedOutError',
      );
    }
  }

  async close(): Promise<void> {
    await this.api.close().catch(() => undefined);
  }
}
