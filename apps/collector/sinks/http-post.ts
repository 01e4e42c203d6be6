import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { retryableStatus, retryAfterMs, SinkError } from './sink';

const gzipAsync = promisify(gzip);

export interface PostOptions {
  headers?: Record<string, string>;
  gzip: boolean;
  timeoutMs: number;
}

/**
 * POSTs a body over a keep-alive agent and turns every outcome into success or a SinkError that
 * says whether a retry can help.
 */
export class HttpPoster {
  private readonly agent: HttpAgent | HttpsAgent;

  constructor(private readonly base: URL) {
    this.agent =
      base.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  }

  async post(url: URL, body: Buffer, options: PostOptions): Promise<void> {
    const payload = options.gzip ? await gzipAsync(body) : body;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    await new Promise<void>((resolve, reject) => {
      const req = send(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'Content-Type': 'text/plain; charset=utf-8',
            'Content-Length': payload.length,
            ...(options.gzip ? { 'Content-Encoding': 'gzip' } : {}),
            ...options.headers,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (text.length < 1000) text += chunk;
          });
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve();
            reject(
              new SinkError(
                `HTTP ${status} from ${this.base.host}: ${text.trim().slice(0, 300)}`,
                retryableStatus(status),
                retryAfterMs(res.headers['retry-after']),
              ),
            );
          });
        },
      );
      req.setTimeout(options.timeoutMs, () =>
        req.destroy(
          Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' }),
        ),
      );
      // The request never got an answer: the server is down, restarting or unreachable; try again.
      req.on('error', (error) => reject(new SinkError(`${this.base.host}: ${error.message}`, true)));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
