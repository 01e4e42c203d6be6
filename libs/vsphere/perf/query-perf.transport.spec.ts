import { Agent, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isTransient, VimTransportError } from '../soap/vim-fault.error';
import { postQueryPerf } from './query-perf.transport';

describe('postQueryPerf', () => {
  let server: Server;
  let agent: Agent;
  let url: string;
  beforeEach(async () => {
    // Answers the first request on each connection and drops the connection at the second, as a
    // server does that closed an idle keep-alive connection just as the client reused it.
    server = createServer((req, res) => {
      const socket = req.socket as typeof req.socket & { answered?: boolean };
      if (socket.answered) return socket.destroy();
      socket.answered = true;
      req.resume();
      res.writeHead(200, { 'Content-Type': 'text/xml' }).end('<ok/>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sdk`;
    agent = new Agent({ keepAlive: true, maxSockets: 2 });
  });
  afterEach(async () => {
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (): Promise<string> => {
    const chunks: Buffer[] = [];
    return postQueryPerf(
      { sdkUrl: url, cookie: 'vmware_soap_session=x', soapAction: 'urn:vim25/8.0', agent, timeoutMs: 5000 },
      Buffer.from('<QueryPerf/>'),
      (chunk) => chunks.push(chunk),
    ).then(() => Buffer.concat(chunks).toString());
  };

  it('sends a request again on a new connection when a reused keep-alive connection turns out dead', async () => {
    expect(await post()).toBe('<ok/>');
    expect(await post()).toBe('<ok/>');
  });

  it('fails with a typed, transient error when the connection it sends again on is dead too', async () => {
    // Two connections, each answered once; the third request meets one dead connection, then the other.
    await Promise.all([post(), post()]);
    const failure = await post().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(VimTransportError);
    expect(isTransient(failure)).toBe(true);
  });
});
