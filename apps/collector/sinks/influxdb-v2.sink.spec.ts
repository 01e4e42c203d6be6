import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { InfluxDbV2Sink } from './influxdb-v2.sink';
import { SinkError, type LineBatch } from './sink';

interface Received {
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** An HTTP server that records each request and answers with the next canned response. */
async function recordingServer(
  responses: { status: number; headers?: Record<string, string> }[],
): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      const response = responses.shift() ?? { status: 204 };
      res.writeHead(response.status, response.headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/prefix`, received };
}

function batch(count: number): LineBatch {
  const text = Array.from(
    { length: count },
    (_, i) => `vsphere_vm_cpu,moid=vm-${i},vmname=db\\ ${i} usage_average=${i}i 1795347240\n`,
  ).join('');
  return { lines: Buffer.from(text), lineCount: count };
}

describe('InfluxDbV2Sink', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it("posts the batch's own bytes, gzip'd, to /api/v2/write with org, bucket, precision=s and the token", async () => {
    const recorder = await recordingServer([]);
    server = recorder.server;
    const sink = new InfluxDbV2Sink(
      { type: 'influxdb-v2', url: recorder.url, org: 'acme', bucket: 'vsphere' },
      's3cret',
      { gzip: true, timeoutMs: 5000 },
    );
    const lines = batch(100);
    await sink.write(lines);
    await sink.close();

    const [request] = recorder.received;
    expect(request.url).toBe('/prefix/api/v2/write?org=acme&bucket=vsphere&precision=s');
    expect(request.headers.authorization).toBe('Token s3cret');
    expect(request.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(request.body).equals(lines.lines)).toBe(true);
  });

  it('turns a 429 into a retryable failure with its Retry-After, and a 400 into one not worth retrying', async () => {
    const recorder = await recordingServer([
      { status: 429, headers: { 'Retry-After': '7' } },
      { status: 400 },
    ]);
    server = recorder.server;
    const sink = new InfluxDbV2Sink(
      { type: 'influxdb-v2', url: recorder.url, org: 'acme', bucket: 'vsphere' },
      's3cret',
      { gzip: false, timeoutMs: 5000 },
    );
    const tooMany = await sink.write(batch(1)).catch((error: unknown) => error);
    const bad = await sink.write(batch(1)).catch((error: unknown) => error);
    await sink.close();

    expect(tooMany).toBeInstanceOf(SinkError);
    expect(tooMany).toMatchObject({ retryable: true, retryAfterMs: 7000 });
    expect(bad).toMatchObject({ retryable: false });
  });
});
