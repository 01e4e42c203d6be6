import type { RunningApp } from '../support/apps';
import { waitFor } from '../support/processes';
import { SoapSession, admin, call, startSimulator } from './simulator';

// The simulator's vCenter behaviour beyond what a client reads: faults as vCenter sends them,
// the maxQueryMetrics limit, time scaled down for tests, and the admin API that injects faults.

const QUERY_LIMIT = 16;
const CURRENT_TIME =
  '<CurrentTime xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></CurrentTime>';
const PERF_COUNTERS =
  '<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this><specSet><propSet><type>PerformanceManager</type><pathSet>perfCounter</pathSet></propSet><objectSet><obj type="PerformanceManager">PerfMgr</obj></objectSet></specSet><options></options></RetrievePropertiesEx>';

function queryPerf(entity: string, type: string, metrics: number, intervalId: number): string {
  const metricIds = Array.from(
    { length: metrics },
    (_, i) =>
      `<metricId><counterId>${[2, 6, 24, 98][i % 4]}</counterId><instance>${i < 4 ? '' : `x${i}`}</instance></metricId>`,
  ).join('');
  return `<QueryPerf xmlns="urn:vim25"><_this type="PerformanceManager">PerfMgr</_this><querySpec><entity type="${type}">${entity}</entity>${metricIds}<intervalId>${intervalId}</intervalId></querySpec></QueryPerf>`;
}

/** The moref of the first object of a type in the inventory, through a container view. */
async function firstOf(session: SoapSession, type: string): Promise<string> {
  const view = (
    await session.ok(
      `<CreateContainerView xmlns="urn:vim25"><_this type="ViewManager">ViewManager</_this><container type="Folder">group-d1</container><type>${type}</type><recursive>true</recursive></CreateContainerView>`,
    )
  ).match(/<returnval type="ContainerView">([^<]+)<\/returnval>/)![1];
  const contents = await session.ok(
    `<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this><specSet><propSet><type>ContainerView</type><pathSet>view</pathSet></propSet><objectSet><obj type="ContainerView">${view}</obj></objectSet></specSet><options></options></RetrievePropertiesEx>`,
  );
  return contents.match(new RegExp(`<ManagedObjectReference type="${type}"[^>]*>([^<]+)<`))![1];
}

describe('the simulator over plain HTTP', () => {
  let simulator: RunningApp;
  let sdk: string;

  beforeAll(async () => {
    simulator = await startSimulator({
      VCC_SDK_MAX_QUERY_METRICS: String(QUERY_LIMIT),
      VCC_PERF_REALTIME_INTERVAL_SECONDS: '2',
      VCC_PERF_REALTIME_RETENTION_SECONDS: '60',
      VCC_PERF_HISTORICAL_INTERVAL_SECONDS: '10',
      VCC_PERF_HISTORICAL_RETENTION_SECONDS: '600',
    });
    sdk = `${simulator.url}/sdk`;
  });
  afterEach(async () => {
    await admin(simulator, 'PUT', 'faults', { latencyMs: 0, errorRate: 0 });
  });
  afterAll(() => simulator?.stop());

  it('serves vimServiceVersions.xml as vCenter does', async () => {
    const answer = await call(`${sdk}/vimServiceVersions.xml`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(
      /<namespaces version="1.0">\s*<namespace>\s*<name>urn:vim25<\/name>\s*<version>7.0.3.0<\/version>/,
    );
  });

  it('answers calls without a session with NotAuthenticated, and a wrong password with InvalidLogin', async () => {
    const session = new SoapSession(sdk);
    expect(await session.ok(CURRENT_TIME)).toContain('<CurrentTimeResponse xmlns="urn:vim25"><returnval>');
    expect(await session.fault(PERF_COUNTERS)).toEqual({
      type: 'NotAuthenticated',
      message: 'The session is not authenticated.',
    });
    expect((await session.call(PERF_COUNTERS)).body).toContain(
      '<detail><NotAuthenticatedFault xmlns="urn:vim25" xsi:type="NotAuthenticated"><object type="PropertyCollector">propertyCollector</object><privilegeId>System.View</privilegeId></NotAuthenticatedFault></detail>',
    );
    expect(
      await session.fault(
        '<Login xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this><userName>user</userName><password>wrong</password></Login>',
      ),
    ).toEqual({
      type: 'InvalidLogin',
      message: 'Cannot complete login due to an incorrect user name or password.',
    });
  });

  it('sets the vmware_soap_session cookie at login and ends the session at logout', async () => {
    const session = new SoapSession(sdk);
    expect(await session.login()).toMatch(
      /<LoginResponse xmlns="urn:vim25"><returnval><key>[0-9a-f-]{36}<\/key><userName>user<\/userName>/,
    );
    expect(await session.ok(PERF_COUNTERS)).toContain(
      '<PerfCounterInfo xsi:type="PerfCounterInfo"><key>2</key>',
    );
    await session.ok(
      '<Logout xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this></Logout>',
    );
    expect((await session.fault(PERF_COUNTERS)).type).toBe('NotAuthenticated');
  });

  it('limits historical QueryPerf to maxQueryMetrics with the fault vCenter sends, and not realtime ones', async () => {
    const session = new SoapSession(sdk);
    await session.login();
    const vm = await firstOf(session, 'VirtualMachine');
    const cluster = await firstOf(session, 'ClusterComputeResource');
    expect(await session.ok(queryPerf(vm, 'VirtualMachine', QUERY_LIMIT * 3, 2))).toContain(
      'QueryPerfResponse',
    );
    expect(await session.ok(queryPerf(cluster, 'ClusterComputeResource', QUERY_LIMIT, 10))).toContain(
      'QueryPerfResponse',
    );
    expect(await session.fault(queryPerf(cluster, 'ClusterComputeResource', QUERY_LIMIT + 1, 10))).toEqual({
      type: 'RestrictedByAdministrator',
      message:
        'This operation is restricted by the administrator - &apos;vpxd.stats.maxQueryMetrics&apos;. Contact your system administrator.',
    });
    expect(
      await session.ok(
        '<QueryOptions xmlns="urn:vim25"><_this type="OptionManager">VpxSettings</_this><name>config.vpxd.stats.maxQueryMetrics</name></QueryOptions>',
      ),
    ).toContain(
      `<key>config.vpxd.stats.maxQueryMetrics</key><value xsi:type="xsd:string">${QUERY_LIMIT}</value>`,
    );
    // UpdateOptions changes the setting, and the limit with it.
    const setLimit = (limit: number): Promise<string> =>
      session.ok(
        `<UpdateOptions xmlns="urn:vim25"><_this type="OptionManager">VpxSettings</_this><changedValue><key>config.vpxd.stats.maxQueryMetrics</key><value xsi:type="xsd:int" xmlns:xsd="http://www.w3.org/2001/XMLSchema">${limit}</value></changedValue></UpdateOptions>`,
      );
    await setLimit(QUERY_LIMIT + 1);
    expect(await session.ok(queryPerf(cluster, 'ClusterComputeResource', QUERY_LIMIT + 1, 10))).toContain(
      'QueryPerfResponse',
    );
    await setLimit(QUERY_LIMIT);
    // Realtime data is for VMs and hosts only.
    expect(await session.fault(queryPerf(cluster, 'ClusterComputeResource', 1, 2))).toEqual({
      type: 'InvalidArgument',
      message: 'A specified parameter was not correct: querySpec.interval',
    });
  });

  it('keeps realtime samples at the configured interval for the configured retention, and adds new ones', async () => {
    const session = new SoapSession(sdk);
    await session.login();
    const host = await firstOf(session, 'HostSystem');
    expect(
      await session.ok(
        `<QueryPerfProviderSummary xmlns="urn:vim25"><_this type="PerformanceManager">PerfMgr</_this><entity type="HostSystem">${host}</entity></QueryPerfProviderSummary>`,
      ),
    ).toContain(
      '<currentSupported>true</currentSupported><summarySupported>true</summarySupported><refreshRate>2</refreshRate>',
    );
    const timestamps = async (): Promise<number[]> =>
      [
        ...(await session.ok(queryPerf(host, 'HostSystem', 1, 2))).matchAll(
          /<timestamp>([^<]+)<\/timestamp>/g,
        ),
      ].map(([, t]) => Date.parse(t) / 1000);
    const before = await timestamps();
    expect(before).toHaveLength(30);
    expect(before.every((t, i) => t % 2 === 0 && (i === 0 || t - before[i - 1] === 2))).toBe(true);
    await waitFor(
      'a newer realtime sample',
      async () => ((await timestamps()).at(-1)! > before.at(-1)! ? true : undefined),
      10_000,
    );
  });

  it('rejects an unknown paging token and an invalid property path', async () => {
    const session = new SoapSession(sdk);
    await session.login();
    expect(
      await session.fault(
        '<ContinueRetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this><token>made-up</token></ContinueRetrievePropertiesEx>',
      ),
    ).toEqual({ type: 'InvalidArgument', message: 'A specified parameter was not correct: token' });
    expect(
      (
        await session.fault(
          PERF_COUNTERS.replace('<pathSet>perfCounter</pathSet>', '<pathSet>perfCounter.nope</pathSet>'),
        )
      ).type,
    ).toBe('InvalidProperty');
  });

  it('keeps the admin API behind its bearer token and validates what it is sent', async () => {
    expect((await call(`${simulator.url}/admin/faults`)).status).toBe(401);
    expect(
      (
        await call(`${simulator.url}/admin/faults`, {
          headers: { Authorization: 'Bearer not-the-token-at-all' },
        })
      ).status,
    ).toBe(401);
    expect(JSON.parse((await admin(simulator, 'GET', 'faults')).body)).toEqual({
      latencyMs: 0,
      errorRate: 0,
      errorKinds: ['systemError'],
      errorMethods: [],
    });
    const invalid = await admin(simulator, 'PUT', 'faults', { errorRate: 2, surprise: true });
    expect(invalid.status).toBe(400);
    const fields = (JSON.parse(invalid.body) as { fields: { field: string }[] }).fields
      .map((f) => f.field)
      .sort();
    expect(fields).toEqual(['errorRate', 'surprise']);
    expect(JSON.parse((await admin(simulator, 'GET', 'faults')).body)).toEqual({
      latencyMs: 0,
      errorRate: 0,
      errorKinds: ['systemError'],
      errorMethods: [],
    });
  });

  it('injects latency and errors on SOAP calls', async () => {
    const session = new SoapSession(sdk);
    expect((await admin(simulator, 'PUT', 'faults', { latencyMs: 400 })).status).toBe(200);
    const started = Date.now();
    await session.ok(CURRENT_TIME);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    await admin(simulator, 'PUT', 'faults', { latencyMs: 0, errorRate: 1 });
    expect(await session.fault(CURRENT_TIME)).toEqual({
      type: 'SystemError',
      message: 'A general system error occurred: fault injected by the vcc simulator',
    });
    await admin(simulator, 'PUT', 'faults', { errorKinds: ['unavailable'] });
    expect((await session.call(CURRENT_TIME)).status).toBe(503);
    await admin(simulator, 'PUT', 'faults', { errorKinds: ['reset'] });
    await expect(session.call(CURRENT_TIME)).rejects.toMatchObject({ code: 'ECONNRESET' });
    // Only the methods named fail.
    await admin(simulator, 'PUT', 'faults', { errorMethods: ['QueryPerf'] });
    expect(await session.ok(CURRENT_TIME)).toContain('CurrentTimeResponse');
    await admin(simulator, 'PUT', 'faults', { errorRate: 0, errorKinds: ['systemError'], errorMethods: [] });
    expect(await session.ok(CURRENT_TIME)).toContain('CurrentTimeResponse');
  });

  it('expires every session on demand', async () => {
    const session = new SoapSession(sdk);
    await session.login();
    const expired = JSON.parse((await admin(simulator, 'POST', 'sessions/expire')).body) as {
      expired: number;
    };
    expect(expired.expired).toBeGreaterThanOrEqual(1);
    expect((await session.fault(PERF_COUNTERS)).type).toBe('NotAuthenticated');
    await session.login();
    expect(await session.ok(PERF_COUNTERS)).toContain('PerfCounterInfo');
  });

  it('refuses connections for the given seconds, then serves again', async () => {
    expect((await admin(simulator, 'POST', 'refuse-connections', { seconds: 2 })).status).toBe(202);
    await expect(call(`${simulator.url}/health`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const health = await waitFor(
      'the simulator to accept connections again',
      async () => call(`${simulator.url}/health`).catch(() => undefined),
      15_000,
    );
    expect(health.status).toBe(200);
  });
});
