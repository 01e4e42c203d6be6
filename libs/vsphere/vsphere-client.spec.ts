import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import { vmManagement } from './inventory';
import { QueryPerfExecutor } from './perf/query-perf.executor';
import { runQueryPerfTask } from './perf/query-perf.worker';
import { retrieveProperties } from './property-collector';
import { VimFaultError, VimTransportError } from './soap/vim-fault.error';
import { VsphereClient } from './vsphere-client';

// The client against hand-written vCenter responses, for what vcsim cannot do: paging tokens,
// NotAuthenticated faults and silent expiry, InvalidArgument, typed anyType values, -1 limits.

const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

interface Seen {
  operation: string;
  body: string;
  headers: IncomingHttpHeaders;
}

/** A stand-in vCenter that answers each operation from a queue of fixtures (the last one repeats). */
class FixtureServer {
  readonly seen: Seen[] = [];
  private readonly replies = new Map<string, { status: number; file: string }[]>();
  private readonly drops = new Set<string>();
  private server?: Server;
  url = '';

  reply(operation: string, file: string, status = 200): this {
    this.replies.set(operation, [...(this.replies.get(operation) ?? []), { status, file }]);
    return this;
  }

  /**
   * Closes the connection without an answer the next time `operation` comes, as a server does that
   * closed an idle keep-alive connection just as the client reused it.
   */
  dropConnectionOnce(operation: string): this {
    this.drops.add(operation);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const operation = /<(?:[\w-]+:)?Body>\s*<(?:[\w-]+:)?(\w+)/.exec(body)?.[1] ?? '?';
        this.seen.push({ operation, body, headers: req.headers });
        if (this.drops.delete(operation)) return req.socket.destroy();
        const queue = this.replies.get(operation) ?? [];
        const next = queue.length > 1 ? queue.shift()! : queue[0];
        if (!next) return res.writeHead(500).end(`no fixture for ${operation}`);
        const headers: Record<string, string> = { 'Content-Type': 'text/xml; charset=utf-8' };
        if (operation === 'Login')
          headers['Set-Cookie'] = `vmware_soap_session="${this.seen.length}"; Path=/; HttpOnly`;
        res.writeHead(next.status, headers).end(fixture(next.file));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as { port: number }).port}/sdk`;
    return this;
  }

  stop(): void {
    this.server?.close();
  }

  operations(): string[] {
    return this.seen.map((s) => s.operation);
  }
}

async function connect(server: FixtureServer): Promise<VsphereClient> {
  return VsphereClient.connect({
    endpoint: { sdkUrl: server.url, timeoutMs: 5000 },
    credentials: { username: 'vcc', password: 's3cret!' },
    session: { keepAliveMs: 0 },
  });
}

describe('VsphereClient against hand-written vCenter responses', () => {
  let server: FixtureServer;
  beforeEach(async () => {
    server = await new FixtureServer()
      .reply('RetrieveServiceContent', 'retrieve-service-content.xml')
      .reply('Login', 'login.xml')
      .start();
  });
  afterEach(() => server.stop());

  it('logs in with the session cookie and speaks the API version vCenter reports', async () => {
    server.reply('CurrentTime', 'fault-not-authenticated.xml', 500);
    const client = await connect(server);
    expect(client.about).toMatchObject({ apiVersion: '7.0.3.0', version: '7.0.3' });
    expect(client.session.sessionKey).toBe('52b8b0b5-1d2f-4c8a-a6a2-6f1f0d3c9e11');
    const login = server.seen.find((s) => s.operation === 'Login')!;
    expect(login.headers.soapaction).toBe('"urn:vim25/7.0.3.0"');
    expect(login.headers.connection).toBe('keep-alive');
    expect(login.body).toContain('<ns1:userName>vcc</ns1:userName>');
  });

  it('reads every page of a paged RetrievePropertiesEx, with anyType values typed', async () => {
    server
      .reply('RetrievePropertiesEx', 'retrieve-properties-page1.xml')
      .reply('ContinueRetrievePropertiesEx', 'continue-retrieve-properties.xml');
    const client = await connect(server);
    const objects = await retrieveProperties(
      client.session,
      [{ type: 'VirtualMachine', pathSet: ['name'] }],
      [{ obj: { type: 'VirtualMachine', value: 'vm-101' } }],
      2,
    );
    expect(objects.map((o) => o.obj.value)).toEqual(['vm-101', 'vm-102', 'vm-103']);
    expect(objects[0].props).toEqual({
      'config.hardware.numCPU': 4,
      'config.template': false,
      datastore: [{ type: 'Datastore', value: 'datastore-11' }],
      name: 'db-01',
      'runtime.powerState': 'poweredOn',
    });
    expect(objects[1].props).toEqual({
      'config.createDate': new Date('2025-03-01T08:30:00Z'),
      name: 'web-01',
      'summary.storage.committed': 21474836480,
    });
    const retrieve = server.seen.find((s) => s.operation === 'RetrievePropertiesEx')!;
    expect(retrieve.body).toMatch(/<ns1:maxObjects>2<\/ns1:maxObjects>/);
    const next = server.seen.find((s) => s.operation === 'ContinueRetrievePropertiesEx')!;
    expect(next.body).toContain('<ns1:token>session[52b8b0b5]7f3c1a</ns1:token>');
    expect(next.headers.cookie).toBe('vmware_soap_session="2"');
  });

  it('reads config.managedBy and an indexed extraConfig element typed, into SRM placeholder and vCD id', async () => {
    server.reply('RetrievePropertiesEx', 'retrieve-properties-managed-by.xml');
    const client = await connect(server);
    const objects = await retrieveProperties(
      client.session,
      [{ type: 'VirtualMachine', pathSet: ['name', 'config.managedBy', 'config.extraConfig["cloud.uuid"]'] }],
      [{ obj: { type: 'VirtualMachine', value: 'vm-201' } }],
    );
    expect(objects[1].props).toEqual({
      name: 'web-01 (f487ba71-058a-47a9-9e9a-def458c63fd5)',
      'config.managedBy': { _type: 'ManagedByInfo', extensionKey: 'com.vmware.vcloud', type: 'vm' },
      'config.extraConfig["cloud.uuid"]': {
        _type: 'OptionValue',
        key: 'cloud.uuid',
        value: 'f487ba71-058a-47a9-9e9a-def458c63fd5',
      },
    });
    expect(
      objects.map((o) =>
        vmManagement(o.props['config.managedBy'], o.props['config.extraConfig["cloud.uuid"]']),
      ),
    ).toEqual([
      { srmPlaceholder: true, cloudId: null },
      { srmPlaceholder: false, cloudId: 'f487ba71-058a-47a9-9e9a-def458c63fd5' },
      { srmPlaceholder: false, cloudId: null },
    ]);
    expect(server.seen.find((s) => s.operation === 'RetrievePropertiesEx')!.body).toContain(
      '<ns1:pathSet>config.extraConfig["cloud.uuid"]</ns1:pathSet>',
    );
  });

  it('logs in again and retries once on NotAuthenticated', async () => {
    server
      .reply('CurrentTime', 'fault-not-authenticated.xml', 500)
      .reply('CurrentTime', 'fault-not-authenticated.xml', 500)
      .reply('Login', 'login.xml');
    const client = await connect(server);
    await expect(client.currentTime()).rejects.toThrow(
      new VimFaultError('NotAuthenticated', 'The session is not authenticated.'),
    );
    expect(server.operations()).toEqual([
      'RetrieveServiceContent',
      'Login',
      'CurrentTime',
      'Login',
      'CurrentTime',
    ]);
    expect(client.session.relogins).toBe(1);
  });

  it('treats an all-NotAuthenticated missingSet (a silently expired session) as NotAuthenticated', async () => {
    server
      .reply('RetrievePropertiesEx', 'retrieve-properties-expired.xml')
      .reply('RetrievePropertiesEx', 'retrieve-properties-page1.xml');
    server.reply('ContinueRetrievePropertiesEx', 'continue-retrieve-properties.xml');
    const client = await connect(server);
    const objects = await client.session.withRelogin(() =>
      retrieveProperties(
        client.session,
        [{ type: 'VirtualMachine', pathSet: ['name'] }],
        [{ obj: { type: 'VirtualMachine', value: 'vm-101' } }],
      ),
    );
    expect(objects).toHaveLength(3);
    expect(client.session.relogins).toBe(1);
    expect(server.operations().filter((op) => op === 'Login')).toHaveLength(2);
  });

  it('surfaces RestrictedByAdministrator (vCenter 6.5+ over maxQueryMetrics) with its detail', async () => {
    server.reply('QueryPerf', 'fault-restricted-max-query-metrics.xml', 500);
    const client = await connect(server);
    const failure = client.queryPerf(
      [
        {
          entity: { type: 'ClusterComputeResource', value: 'domain-c7' },
          metricIds: [{ counterId: 2, instance: '' }],
        },
      ],
      300,
      () => ({ end: new Date() }),
    );
    await expect(failure).rejects.toMatchObject({
      faultType: 'RestrictedByAdministrator',
      faultString:
        "This operation is restricted by the administrator - 'vpxd.stats.maxQueryMetrics'. Contact your system administrator.",
      detail: { details: 'vpxd.stats.maxQueryMetrics' },
    });
  });

  it('surfaces InvalidArgument (a querySpec over maxQueryMetrics on vCenter 5.5/6.0) with its detail, without retrying', async () => {
    server.reply('QueryPerf', 'fault-query-spec-size.xml', 500);
    const client = await connect(server);
    const failure = client.queryPerf(
      [{ entity: { type: 'VirtualMachine', value: 'vm-1' }, metricIds: [{ counterId: 2, instance: '*' }] }],
      20,
      () => ({ end: new Date() }),
    );
    await expect(failure).rejects.toMatchObject({
      faultType: 'InvalidArgument',
      faultString: 'A specified parameter was not correct: querySpec.size',
      detail: { invalidProperty: 'querySpec.size' },
    });
    expect(server.operations().filter((op) => op === 'QueryPerf')).toHaveLength(1);
  });

  it('reads maxQueryMetrics -1 as unlimited, and falls back to the version default when the option is denied', async () => {
    server
      .reply('QueryOptions', 'query-options-max-query-metrics.xml')
      .reply('QueryOptions', 'fault-no-permission.xml', 500);
    const client = await connect(server);
    expect(await client.performance.queryLimit()).toEqual({ maxQueryMetrics: null, source: 'vcenter' });
    expect(await client.performance.queryLimit()).toEqual({
      maxQueryMetrics: 256,
      source: 'version-default',
    });
  });

  it('sends a read again when its reused keep-alive connection turns out dead, but never a call that changes state', async () => {
    server
      .reply('CurrentTime', 'fault-no-permission.xml', 500)
      .reply('ReadNextEvents', 'fault-no-permission.xml', 500)
      .dropConnectionOnce('CurrentTime')
      .dropConnectionOnce('ReadNextEvents');
    const client = await connect(server);
    // The second CurrentTime reached the server: its fault, not the dropped connection, comes back.
    await expect(client.currentTime()).rejects.toMatchObject({ faultType: 'NoPermission' });
    // ReadNextEvents moves the collector's cursor: sent once, its failure is reported as it is.
    await expect(
      client.session.invoke(
        'ReadNextEvents',
        { type: 'EventHistoryCollector', value: 'session[1]' },
        { maxCount: 1 },
      ),
    ).rejects.toMatchObject({ name: 'VimTransportError', code: 'ECONNRESET' });
    expect(server.operations().filter((o) => o === 'CurrentTime' || o === 'ReadNextEvents')).toEqual([
      'CurrentTime',
      'CurrentTime',
      'ReadNextEvents',
    ]);
    await client.close();
  });
});

describe('QueryPerfExecutor against hand-written vCenter responses', () => {
  let server: FixtureServer;
  let clock: number;
  const request = {
    body: Buffer.from('<soapenv:Envelope><soapenv:Body><QueryPerf/></soapenv:Body></soapenv:Envelope>'),
    entities: [],
    fields: {},
  };
  /** An executor on a fake clock that waits by moving it; the jitter draw is the middle one. */
  const executor = (client: VsphereClient, retries: { error: Error; delayMs: number }[] = []) =>
    new QueryPerfExecutor(client, runQueryPerfTask, {
      now: () => clock,
      random: () => 0.5,
      sleep: async (ms) => void (clock += ms),
      observer: { retry: (error, delayMs) => retries.push({ error, delayMs }) },
    });
  beforeEach(async () => {
    clock = 0;
    server = await new FixtureServer()
      .reply('RetrieveServiceContent', 'retrieve-service-content.xml')
      .reply('Login', 'login.xml')
      .start();
  });
  afterEach(() => server.stop());

  it('retries a reset connection and an HTTP 503 with doubling jittered waits, and returns the answer', async () => {
    server
      .dropConnectionOnce('QueryPerf')
      .reply('QueryPerf', 'fault-no-permission.xml', 503)
      .reply('QueryPerf', 'query-perf-vcenter.xml');
    const client = await connect(server);
    const retries: { error: Error; delayMs: number }[] = [];
    const result = await executor(client, retries).execute(request, 10_000);
    expect(result.error).toBeUndefined();
    expect(result.responseBytes).toBeGreaterThan(0);
    expect(retries).toEqual([
      { error: expect.objectContaining({ name: 'VimTransportError', code: 'ECONNRESET' }), delayMs: 150 },
      { error: expect.objectContaining({ name: 'VimTransportError', statusCode: 503 }), delayMs: 300 },
    ]);
    expect(server.operations().filter((o) => o === 'QueryPerf')).toHaveLength(3);
    await client.close();
  });

  it('gives up with the typed error when the next wait would end past the deadline', async () => {
    server.reply('QueryPerf', 'fault-no-permission.xml', 503);
    const client = await connect(server);
    const failure = executor(client).execute(request, 1000);
    await expect(failure).rejects.toBeInstanceOf(VimTransportError);
    await expect(failure).rejects.toMatchObject({ statusCode: 503 });
    // Waits of 150, 300 and 600 ms: the third would end at 1050 ms.
    expect(server.operations().filter((o) => o === 'QueryPerf')).toHaveLength(3);
    expect(clock).toBe(450);
    await client.close();
  });

  it('logs in again once on NotAuthenticated and sends the request with the new cookie', async () => {
    server
      .reply('QueryPerf', 'fault-not-authenticated.xml', 500)
      .reply('QueryPerf', 'query-perf-vcenter.xml');
    const client = await connect(server);
    const result = await executor(client).execute(request, 10_000);
    expect(result.error).toBeUndefined();
    expect(server.operations()).toEqual([
      'RetrieveServiceContent',
      'Login',
      'QueryPerf',
      'Login',
      'QueryPerf',
    ]);
    const cookies = server.seen.filter((s) => s.operation === 'QueryPerf').map((s) => s.headers.cookie);
    expect(cookies[0]).not.toBe(cookies[1]);
    expect(client.session.relogins).toBe(1);
    await client.close();
  });

  it('reads the CA file once per client, not for every task', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcc-ca-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, 'first CA');
    try {
      const client = await VsphereClient.connect({
        endpoint: { sdkUrl: server.url, caFile },
        credentials: { username: 'vcc', password: 's3cret!' },
        session: { keepAliveMs: 0 },
      });
      expect(client.queryPerfTask(request.body, [], {}).ca).toBe('first CA');
      writeFileSync(caFile, 'second CA');
      expect(client.queryPerfTask(request.body, [], {}).ca).toBe('first CA');
      await client.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not retry a fault that is not transient', async () => {
    server.reply('QueryPerf', 'fault-no-permission.xml', 500);
    const client = await connect(server);
    await expect(executor(client).execute(request, 10_000)).rejects.toMatchObject({
      name: 'VimFaultError',
      faultType: 'NoPermission',
    });
    expect(server.operations().filter((o) => o === 'QueryPerf')).toHaveLength(1);
    await client.close();
  });
});
