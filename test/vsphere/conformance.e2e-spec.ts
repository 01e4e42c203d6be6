import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import {
  counterFields,
  entityTags,
  planQueries,
  PreparedQueryPerf,
  QueryPerfParser,
  runQueryPerfTask,
  VimSoapClient,
  VsphereClient,
  type EntityOutput,
  type PerfCounter,
  type PerfEntityMetric,
  type QueryPerfTaskResult,
  type VcenterEvent,
} from '@vcc/vsphere';
import Piscina from 'piscina';
import { runProcess, waitFor } from '../support/processes';
import { ROOT } from '../support/root';
import { RawVim } from '../support/raw-vim';
import { startSimulator } from '../simulator/simulator';
import { startVcsim } from '../support/vcsim';

/**
 * The libs/vsphere conformance suite: every operation vcc uses, against a real vCenter simulator.
 * Each target starts a simulator and says what it holds.
 */
interface Target {
  name: string;
  /** vCenter's history collector pages move oldest to newest; vcsim's only hold the latest page, unordered. */
  pagesInTimeOrder: boolean;
  /**
   * vCenter appends new events to an open history collector, and ReadNextEvents returns them; vcsim
   * 0.24's collector keeps the page it filled at creation, so the collector's inventory watch sees
   * nothing there and inventories wait for their periodic read.
   */
  tailsEventHistory: boolean;
  /**
   * config.managedBy and config.extraConfig["cloud.uuid"]: vcsim 0.24 has no managedBy and reports
   * the indexed path missing (the index came in later govmomi), so it has no SRM or vCD VMs.
   */
  servesVmManagement: boolean;
  start(): Promise<{
    url: string;
    username: string;
    password: string;
    vms: number;
    hosts: number;
    stop(): Promise<void>;
  }>;
}

const targets: Target[] = [
  {
    name: 'vcsim',
    pagesInTimeOrder: false,
    tailsEventHistory: false,
    servesVmManagement: false,
    start: () => startVcsim({ clusters: 2, hostsPerCluster: 2, vmsPerHost: 3 }),
  },
  {
    name: 'the vcc simulator',
    pagesInTimeOrder: true,
    tailsEventHistory: true,
    servesVmManagement: true,
    start: async () => {
      const app = await startSimulator({
        VCC_HTTP_TLS_SELF_SIGNED: 'true',
        VCC_INVENTORY_CLUSTERS_PER_DATACENTER: '2',
        VCC_INVENTORY_HOSTS_PER_CLUSTER: '2',
        VCC_INVENTORY_VMS_PER_HOST: '3',
        VCC_EVENTS_INTERVAL_SECONDS: '1',
      });
      return {
        url: `${app.url}/sdk`,
        username: 'user',
        password: 'pass',
        vms: 12,
        hosts: 4,
        stop: async () => void (await app.stop()),
      };
    },
  },
];

/** (moref, instance, field, timestamp) → value, the common form of both parsers' output. */
type Samples = Map<string, number>;

function samplesFromLines(lines: string): Samples {
  const samples: Samples = new Map();
  for (const line of lines.split('\n').filter(Boolean)) {
    const [head, fields, timestamp] = line.split(' ');
    const tags = Object.fromEntries(
      head
        .split(',')
        .slice(1)
        .map((tag) => tag.split('=') as [string, string]),
    );
    const measurement = head.split(',')[0];
    for (const field of fields.split(',')) {
      const [name, value] = field.split('=');
      samples.set(
        `${tags.moid}|${tags.instance ?? ''}|${measurement}.${name}|${timestamp}`,
        Number(value.replace(/i$/, '')),
      );
    }
  }
  return samples;
}

function samplesFromStrongSoap(result: PerfEntityMetric[], counters: Map<number, PerfCounter>): Samples {
  const samples: Samples = new Map();
  for (const metric of result) {
    const times = (metric.sampleInfo ?? []).map((s) => Math.floor(s.timestamp.getTime() / 1000));
    for (const series of metric.value ?? []) {
      const values = series.value ?? [];
      if (values.length !== times.length) continue; // vcsim dropped zeros: times unknowable, as in the hot path
      const counter = counters.get(series.id.counterId)!;
      const field = counterFields('vm', [counter], 'vcc').get(counter.key)!;
      // strong-soap reads an empty <instance/> (the aggregate) as undefined.
      const instance = series.id.instance === '*' ? '' : (series.id.instance ?? '');
      values.forEach((value, i) => {
        if (value >= 0)
          samples.set(
            `${metric.entity.value}|${instance}|${field.measurement}.${field.field}|${times[i]}`,
            value,
          );
      });
    }
  }
  return samples;
}

describe.each(targets)('libs/vsphere against $name', (target) => {
  let sim: Awaited<ReturnType<Target['start']>>;
  let client: VsphereClient;
  const calls: string[] = [];

  beforeAll(async () => {
    sim = await target.start();
    client = await VsphereClient.connect({
      endpoint: { sdkUrl: sim.url, insecure: true, timeoutMs: 30_000 },
      credentials: { username: sim.username, password: sim.password },
      session: { observer: { call: (operation) => calls.push(operation) } },
    });
  });
  afterAll(async () => {
    await client?.close();
    await sim?.stop();
  });

  it('reads the service content and the server clock', async () => {
    expect(client.about.apiType).toBe('VirtualCenter');
    expect(client.about.apiVersion).toMatch(/^\d+\.\d+/);
    const now = await client.currentTime();
    expect(now).toBeInstanceOf(Date);
    expect(Math.abs(now.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('reads the inventory in one paged query: the VMs pyVmomi sees, with hosts, clusters and datacenters resolved', async () => {
    const before = calls.length;
    const inventory = await client.inventory(5);
    const inventoryCalls = calls.slice(before);
    expect(inventoryCalls.filter((c) => c === 'RetrievePropertiesEx')).toHaveLength(1);
    expect(inventoryCalls).toEqual(expect.arrayContaining(['CreateContainerView', 'DestroyView']));

    const python = await runProcess('/usr/bin/python3', [
      'test/pyvmomi/list_vms.py',
      sim.url,
      sim.username,
      sim.password,
    ]);
    const pyvmomi = JSON.parse(python.stdout) as { moref: string; name: string; powerState: string }[];
    expect(
      inventory.vms
        .map(({ moref, name, powerState }) => ({ moref, name, powerState }))
        .sort((a, b) => a.moref.localeCompare(b.moref)),
    ).toEqual(pyvmomi);
    expect(inventory.vms).toHaveLength(sim.vms);
    expect(inventory.hosts).toHaveLength(sim.hosts);

    const hostsByMoref = new Map(inventory.hosts.map((h) => [h.moref, h]));
    for (const vm of inventory.vms) {
      const host = hostsByMoref.get(vm.hostMoref!)!;
      expect(vm).toMatchObject({
        hostName: host.name,
        clusterName: host.clusterName,
        datacenterName: host.datacenterName,
      });
      expect(vm.vcpus).toBeGreaterThan(0);
      expect(vm.memoryMb).toBeGreaterThan(0);
      expect(typeof vm.template).toBe('boolean');
    }
    if (!target.servesVmManagement)
      expect(inventory.vms.filter((vm) => vm.srmPlaceholder || vm.cloudId !== null)).toEqual([]);
    for (const host of inventory.hosts) {
      expect(host.cpuCores).toBeGreaterThan(0);
      expect(host.memoryMb).toBeGreaterThan(0);
      expect(host.connectionState).toBe('connected');
    }
    expect(new Set(inventory.hosts.map((h) => h.clusterName))).toEqual(
      new Set(inventory.clusters.map((c) => c.name)),
    );
    expect(inventory.datastores.length).toBeGreaterThan(0);
  });

  it('reads the counter catalogue, available metrics, the provider summary and the query limit', async () => {
    const catalog = await client.performance.counterCatalog();
    expect(catalog.byName.get('cpu.usage.average')).toMatchObject({
      group: 'cpu',
      counter: 'usage',
      rollup: 'average',
      unit: 'percent',
    });
    const [vm] = (await client.inventory()).vms;
    const entity = { type: 'VirtualMachine', value: vm.moref };
    const available = await client.performance.availableMetrics(entity, 20);
    expect(available.length).toBeGreaterThan(0);
    expect(available.every((id) => catalog.byKey.has(id.counterId))).toBe(true);
    expect(await client.performance.providerSummary(entity)).toMatchObject({
      currentSupported: true,
      refreshRate: 20,
    });
    const limit = await client.performance.queryLimit();
    expect(limit.maxQueryMetrics).toBeGreaterThanOrEqual(64);
  });

  it('reads vpxd.stats.maxQueryMetrics when vCenter has it', async () => {
    const raw = new RawVim(sim.url);
    await raw.login(sim.username, sim.password);
    await raw.call(
      '<UpdateOptions xmlns="urn:vim25"><_this type="OptionManager">VpxSettings</_this><changedValue><key>config.vpxd.stats.maxQueryMetrics</key><value xsi:type="xsd:int" xmlns:xsd="http://www.w3.org/2001/XMLSchema">42</value></changedValue></UpdateOptions>',
    );
    expect(await client.performance.queryLimit()).toEqual({ maxQueryMetrics: 42, source: 'vcenter' });
  });

  it('hot path and strong-soap read the same samples from the same QueryPerf response', async () => {
    const catalog = await client.performance.counterCatalog();
    const names = [
      'cpu.usage.average',
      'cpu.usagemhz.average',
      'mem.usage.average',
      'net.usage.average',
      'disk.usage.average',
    ];
    const { counters } = catalog.resolve(names);
    const vms = (await client.inventory()).vms;
    const [request] = planQueries(
      vms.map((vm) => ({
        entity: { type: 'VirtualMachine', value: vm.moref },
        metricIds: counters.map((c) => ({ counterId: c.key, instance: '*' })),
      })),
      { maxQueryMetrics: null, maxEntitiesPerQuery: 1000 },
    );
    const end = await client.currentTime();
    const window = () => ({ start: new Date(end.getTime() - 5 * 60_000), end, maxSample: 15 });
    const body = new PreparedQueryPerf(client.session.serviceContent.perfManager!.value, request, 20).body(
      window,
    );

    // One real response, captured from the simulator…
    const chunks: Buffer[] = [];
    await client.postQueryPerf(body, (chunk) => chunks.push(chunk));
    const xml = Buffer.concat(chunks);
    // …read by the hot path…
    const fields = counterFields('vm', counters, 'vcc');
    const entities = new Map<string, EntityOutput>(
      vms.map((vm) => [vm.moref, { tags: entityTags({ moid: vm.moref }), fields }]),
    );
    const hot = QueryPerfParser.parse(xml, entities);
    // …and by strong-soap, served the very same bytes.
    const replay: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' }).end(xml));
    });
    await new Promise<void>((resolve) => replay.listen(0, '127.0.0.1', resolve));
    try {
      const port = (replay.address() as { port: number }).port;
      const soap = await VimSoapClient.create({ sdkUrl: `http://127.0.0.1:${port}/sdk` });
      const typed = await soap.invoke<PerfEntityMetric[]>(
        'QueryPerf',
        client.session.serviceContent.perfManager!,
        {
          querySpec: [{ entity: { $attributes: { type: 'VirtualMachine' }, $value: vms[0].moref } }],
        },
      );
      soap.close();
      const fromStrongSoap = samplesFromStrongSoap(typed, catalog.byKey);
      const fromHotPath = samplesFromLines(hot.lines.toString());
      expect(fromHotPath.size).toBeGreaterThan(vms.length * 10);
      expect(fromHotPath).toEqual(fromStrongSoap);
      // Powered-off VMs and templates have no performance data.
      const running = vms.filter((vm) => vm.powerState === 'poweredOn' && !vm.template);
      expect(Object.keys(hot.lastSampleByEntity).sort()).toEqual(running.map((vm) => vm.moref).sort());
    } finally {
      replay.close();
    }
  });

  it('runs the hot-path task in a piscina worker (the compiled worker file) against the simulator', async () => {
    const catalog = await client.performance.counterCatalog();
    const { counters } = catalog.resolve(['cpu.usage.average', 'mem.usage.average']);
    const hosts = (await client.inventory()).hosts;
    const plan = planQueries(
      hosts.map((h) => ({
        entity: { type: 'HostSystem', value: h.moref },
        metricIds: counters.map((c) => ({ counterId: c.key, instance: '' })),
      })),
      { maxQueryMetrics: 2, maxEntitiesPerQuery: 100 },
    );
    expect(plan).toHaveLength(hosts.length);
    const end = await client.currentTime();
    const pool = new Piscina({
      filename: join(ROOT, 'dist/libs/vsphere/perf/query-perf.worker.js'),
      maxThreads: 2,
    });
    let points = 0;
    for (const request of plan) {
      const body = client.prepare(request, 20).body(() => ({ end, maxSample: 3 }));
      const task = client.queryPerfTask(
        body,
        hosts.map((h) => ({
          moref: h.moref,
          kind: 'host' as const,
          tags: entityTags({ moid: h.moref, esxhostname: h.name }),
        })),
        { host: counterFields('host', counters, 'vcc') },
      );
      const result = (await pool.run(task)) as QueryPerfTaskResult;
      expect(result.error).toBeUndefined();
      expect(Buffer.from(result.lines).toString()).toMatch(/^vsphere_host_(cpu|mem),esxhostname=/m);
      // The same request on this thread reads the same kind of lines (values differ: vcsim adds noise).
      const local = await runQueryPerfTask(task);
      expect(local.lineCount).toBe(result.lineCount);
      points += result.points;
    }
    await pool.destroy();
    expect(points).toBeGreaterThan(0);
  });

  it('reads events from a time through the history collector in pages, and continues after a key', async () => {
    const all = await waitFor('at least 4 events', async () => {
      const events = await client.readEvents({ since: new Date(0), pageSize: 1000 });
      return events.length > 3 ? events : undefined;
    });
    const keys = all.map((e) => e.key);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    const paged = await client.readEvents({ since: new Date(0), pageSize: 2 });
    expect(paged.map((e) => e.key)).toEqual(keys);
    const after = await client.readEvents({ since: new Date(0), afterKey: keys[1] });
    expect(after.map((e) => e.key)).toEqual(keys.slice(2));
    const some = await client.readEvents({
      since: new Date(0),
      afterKey: keys[0],
      maxEvents: 2,
      pageSize: 1,
    });
    if (target.pagesInTimeOrder) expect(some.map((e) => e.key)).toEqual(keys.slice(1, 3));
    else expect(some.map((e) => e.key)).toEqual([expect.any(Number), expect.any(Number)]);
    expect(some.every((e) => e.key > keys[0])).toBe(true);

    const typed = all.find((e: VcenterEvent) => e.vm !== null)!;
    expect(typed.type).toMatch(/Event$/);
    expect(typed.createdTime).toBeInstanceOf(Date);
    expect(typed.vm).toEqual({ moref: expect.stringMatching(/^vm-/), name: expect.any(String) });
    const queried = await client.queryEvents({ since: new Date(0) });
    expect(queried.map((e) => e.key)).toEqual(expect.arrayContaining(keys.slice(-5)));
  });

  it('keeps an event history collector open: a later read returns the events posted since (where the target tails)', async () => {
    const since = await client.currentTime();
    const collector = await client.openEventCollector({ since });
    try {
      const first = await collector.readNext(5);
      // vcsim posts an event for a login; the vcc simulator changes its inventory every second.
      await new RawVim(sim.url).login(sim.username, sim.password);
      if (!target.tailsEventHistory) {
        expect(await collector.readNext(5)).toEqual([]);
        return;
      }
      const later = await waitFor('a new event', async () => {
        const events = await collector.readNext(5);
        return events.length ? events : undefined;
      });
      const seen = new Set(first.map((e) => e.key));
      expect(later.filter((e) => seen.has(e.key))).toEqual([]);
      expect(Math.min(...later.map((e) => e.key))).toBeGreaterThan(Math.max(0, ...first.map((e) => e.key)));
      expect(collector.valid).toBe(true);
    } finally {
      await collector.destroy();
    }
  });

  it('reads the inventory objects of given morefs, leaving out those that no longer exist', async () => {
    const { vms, hosts } = await client.inventory();
    const objects = await client.inventoryObjectsByRef([
      { type: 'VirtualMachine', value: vms[0].moref },
      { type: 'VirtualMachine', value: 'vm-999999' },
      { type: 'HostSystem', value: hosts[0].moref },
    ]);
    expect(objects.map((o) => [o.obj.value, o.props.name])).toEqual([
      [vms[0].moref, vms[0].name],
      [hosts[0].moref, hosts[0].name],
    ]);
    expect(objects[0].props['runtime.powerState']).toBe(vms[0].powerState);
  });

  it('logs in again, once, after the session was terminated from elsewhere', async () => {
    const admin = new RawVim(sim.url);
    await admin.login(sim.username, sim.password);
    const before = client.session.relogins;
    const terminated = client.session.sessionKey!;
    await admin.terminateSession(terminated);
    const inventory = await client.inventory();
    expect(inventory.vms).toHaveLength(sim.vms);
    expect(client.session.relogins).toBe(before + 1);
    expect(client.session.sessionKey).not.toBe(terminated);
  });
});

describe('libs/vsphere TLS verification (vcsim with its own certificate)', () => {
  let sim: Awaited<ReturnType<typeof startVcsim>>;
  let caFile: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcc-tls-'));
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048 });
    caFile = join(dir, 'cert.pem');
    writeFileSync(caFile, pems.cert);
    writeFileSync(join(dir, 'key.pem'), pems.private);
    sim = await startVcsim({
      hostsPerCluster: 1,
      vmsPerHost: 1,
      certFile: caFile,
      keyFile: join(dir, 'key.pem'),
    });
  });
  afterAll(() => sim?.stop());

  const credentials = (): { username: string; password: string } => ({
    username: sim.username,
    password: sim.password,
  });

  it('refuses a certificate it cannot verify by default', async () => {
    await expect(
      VsphereClient.connect({ endpoint: { sdkUrl: sim.url }, credentials: credentials() }),
    ).rejects.toThrow(/self[- ]signed certificate/);
  });

  it('connects when the CA file names the signer, or when the vCenter is marked insecure', async () => {
    for (const endpoint of [
      { sdkUrl: sim.url, caFile },
      { sdkUrl: sim.url, insecure: true },
    ]) {
      const client = await VsphereClient.connect({ endpoint, credentials: credentials() });
      expect((await client.inventory()).vms).toHaveLength(sim.vms);
      await client.close();
    }
  });
});
