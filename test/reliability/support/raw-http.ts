import { request } from 'node:http';

export interface RawReply {
  status: number;
  text: string;
}

/**
 * One HTTP request sent as given: the path is not normalised (fetch would fold `..` segments),
 * the body is bytes (invalid UTF-8 included), and `declaredLength` may announce more body than is
 * sent. An announced body is sent only if no answer came within a second, as a server that
 * refuses by Content-Length answers before reading it.
 */
export function rawRequest(
  baseUrl: string,
  options: {
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: Buffer;
    declaredLength?: number;
  },
): Promise<RawReply> {
  const { hostname, port } = new URL(baseUrl);
  const body = options.body ?? Buffer.alloc(0);
  const length = options.declaredLength ?? body.length;
  return new Promise((resolve, reject) => {
    const req = request({
      host: hostname,
      port: Number(port),
      // A fresh connection per request: a server that refused the last one may have closed it.
      agent: false,
      method: options.method,
      path: options.path,
      headers: {
        ...options.headers,
        ...(length || options.body ? { 'content-length': String(length) } : {}),
      },
    });
    let late: NodeJS.Timeout | undefined;
    req.on('response', (response) => {
      clearTimeout(late);
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        req.destroy();
        resolve({ status: response.statusCode ?? 0, text });
      });
      response.on('error', reject);
    });
    req.on('error', reject);
    if (options.declaredLength !== undefined && options.declaredLength > body.length) {
      req.flushHeaders();
      late = setTimeout(() => {
        req.write(body);
        req.end(Buffer.alloc(options.declaredLength! - body.length, 0x20));
      }, 1000);
    } else {
      req.end(body);
    }
  });
}
