import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ControllerClient, ControllerError } from './controller.client';

describe('ControllerClient', () => {
  let server: Server;
  let url: string;
  const password = 'hunter2-vcenter-password';

  beforeAll(async () => {
    // A credentials answer cut short: not JSON, and holding the password.
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`{"username":"svc","password":"${password}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reports an answer that is not JSON without quoting it, so no password reaches the logs', async () => {
    const client = new ControllerClient(url, 'c'.repeat(32), 5_000, {});
    const failure = await client.credentials('collector-1', 'vcenter-1').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ControllerError);
    expect((failure as Error).message).toMatch(
      /credentials\/vcenter-1: HTTP 200: the answer is not JSON \(\d+ bytes\)$/,
    );
    expect((failure as Error).message).not.toContain(password.slice(0, 6));
  });
});
