import type { SinkConfig } from '@vcc/config';
import { HttpPoster } from './http-post';
import type { LineBatch, Sink } from './sink';

/**
 * The InfluxDB v2 write API (`/api/v2/write`, org, bucket, token), precision seconds. Posts the
 * batch's bytes as they are, gzip'd, like the v1 sink: @influxdata/influxdb-client would need them
 * as strings, and its flush() acknowledges nothing it sent on its own once a batch is full. Retries
 * are the sink writer's, which never drops lines it can write later.
 */
export class InfluxDbV2Sink implements Sink {
  readonly name: string;
  private readonly poster: HttpPoster;
  private readonly url: URL;
  private readonly headers: Record<string, string>;

  constructor(
    config: SinkConfig,
    token: string,
    private readonly options: { gzip: boolean; timeoutMs: number },
  ) {
    const base = new URL(config.url!);
    this.url = new URL('api/v2/write', base.href.endsWith('/') ? base : `${base.href}/`);
    this.url.searchParams.set('org', config.org!);
    this.url.searchParams.set('bucket', config.bucket!);
    this.url.searchParams.set('precision', 's');
    this.headers = { Authorization: `Token ${token}` };
    this.name = `influxdb-v2 ${base.host}/${config.bucket}`;
    this.poster = new HttpPoster(base);
  }

  write(batch: LineBatch): Promise<void> {
    return this.poster.post(this.url, batch.lines, { headers: this.headers, ...this.options });
  }

  async close(): Promise<void> {
    this.poster.close();
  }
}
