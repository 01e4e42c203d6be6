import type { SinkConfig } from '@vcc/config';
import { HttpPoster } from './http-post';
import type { LineBatch, Sink } from './sink';

/** InfluxDB 1.x `/write` (db, retention policy, user/password), precision seconds. */
export class InfluxDbV1Sink implements Sink {
  readonly name: string;
  private readonly poster: HttpPoster;
  private readonly url: URL;
  private readonly headers: Record<string, string>;

  constructor(
    config: SinkConfig,
    password: string | undefined,
    private readonly options: { gzip: boolean; timeoutMs: number },
  ) {
    const base = new URL(config.url!);
    this.url = new URL('write', base.href.endsWith('/') ? base : `${base.href}/`);
    this.url.searchParams.set('db', config.database!);
    this.url.searchParams.set('precision', 's');
    if (config.retentionPolicy) this.url.searchParams.set('rp', config.retentionPolicy);
    this.headers = config.username
      ? { Authorization: `Basic ${Buffer.from(`${config.username}:${password ?? ''}`).toString('base64')}` }
      : {};
    this.name = `influxdb-v1 ${base.host}/${config.database}`;
    this.poster = new HttpPoster(base);
  }

  write(batch: LineBatch): Promise<void> {
    return this.poster.post(this.url, batch.lines, { headers: this.headers, ...this.options });
  }

  async close(): Promise<void> {
    this.poster.close();
  }
}
