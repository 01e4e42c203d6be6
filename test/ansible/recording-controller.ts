import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

interface Member {
  id: string;
  name: string;
  state: 'active' | 'draining' | 'gone';
  version: string;
}

/**
 * The controller's admin API as the rolling upgrade uses it (list, drain, get), over collectors it
 * keeps in memory, plus a /systemctl route the fake systemctl reports to. It plays the real
 * controller's part: a drained collector is reported gone one poll after the drain (its boundary
 * passed), and a collector started again after that registers anew, running `newVersion`.
 * Every step lands in `events`, in the order it happened.
 */
export class RecordingController {
  readonly events: string[] = [];
  private readonly members: Member[];
  private server?: Server;

  constructor(
    names: string[],
    oldVersion: string,
    private readonly newVersion: string,
    private readonly adminToken: string,
  ) {
    this.members = names.map((name) => ({ id: randomUUID(), name, state: 'active', version: oldVersion }));
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void this.handle(request).then(
        ([status, body]) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(body));
        },
        (error: Error) => {
          response.writeHead(500);
          response.end(error.message);
        },
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(request: IncomingMessage): Promise<[number, unknown]> {
    const body = await readBody(request);
    const path = request.url ?? '';
    if (request.method === 'POST' && path === '/systemctl') {
      const [verb, unit] = JSON.parse(body) as string[];
      this.events.push(`systemctl ${verb}${unit ? ` ${unit}` : ''}`);
      if (verb === 'start' || verb === 'restart') this.registerAgain();
      return [200, {}];
    }
    if (request.headers.authorization !== `Bearer ${this.adminToken}`) {
      this.events.push(`unauthorized ${request.method} ${path}`);
      return [401, { message: 'unauthorized' }];
    }
    if (request.method === 'GET' && path === '/api/v1/collectors') {
      return [200, this.members.filter((member) => member.state !== 'gone')];
    }
    const match = /^\/api\/v1\/collectors\/([\w-]+)(\/drain)?$/.exec(path);
    const member = match && this.members.find((candidate) => candidate.id === match[1]);
    if (!member) return [404, { message: `no collector at ${path}` }];
    if (request.method === 'POST' && match[2]) {
      this.events.push(`drain ${member.name}`);
      member.state = 'draining';
      return [200, member];
    }
    if (request.method === 'GET' && !match[2]) {
      const answer = { ...member };
      if (member.state === 'draining') {
        member.state = 'gone';
        this.events.push(`still draining ${member.name}`);
      } else if (member.state === 'gone') {
        this.events.push(`gone ${member.name}`);
      }
      return [200, answer];
    }
    return [405, { message: `${request.method} ${path}` }];
  }

  /** The collector that was drained and stopped comes back under a new id, as a fresh registration. */
  private registerAgain(): void {
    const gone = this.members.find(
      (member) =>
        member.state === 'gone' &&
        !this.members.some((other) => other.name === member.name && other.state === 'active'),
    );
    if (!gone) return;
    this.events.push(`registered ${gone.name} ${this.newVersion}`);
    this.members.push({ id: randomUUID(), name: gone.name, state: 'active', version: this.newVersion });
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}
