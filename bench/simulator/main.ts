/**
 * bench/simulator: requests per second of the same 200-VM QueryPerf (10 counters, aggregate
 * instance, 30 samples) against govmomi's vcsim and against vcc's simulator, both with 200 VMs,
 * both over HTTPS, started from this process and measured in alternating rounds with the same
 * keep-alive load (so that other load on the machine falls on both alike); then the simulator's
 * start time and peak RSS with 50,000 VMs.
 * usage: npm run bench:simulator
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { startApp } from '../../test/support/apps';
import { buildVcsim, startVcsim } from '../../test/support/vcsim';
import { RawVim } from '../../test/support/raw-vim';
import { runBench } from '../run-bench';

const HOSTS = 10;
const VMS_PER_HOST = 20;
const COUNTERS = [
  'cpu.usage.average',
  'cpu.usagemhz.average',
  'cpu.ready.summation',
  'mem.usage.average',
  'mem.active.average',
  'mem.granted.average',
  'mem.consumed.average',
  'net.usage.average',
  'net.received.average',
  'net.transmitted.average',
];
const MAX_SAMPLE = 30;
const CONNECTIONS = 4;
const ROUNDS = 3;
const ROUND_SECONDS = 5;
const LARGE = { datacenters: 1, clustersPerDatacenter: 10, hostsPerCluster: 20, vmsPerHost: 250 };

interface Target {
  name: string;
  sdk: string;
}

interface Measured {
  requestsPerSecond: number;
  megabytesPerSecond: number;
  responseBytes: number;
  p99Ms: number;
}

/** Logs in with a raw request, to hand the session cookie to the load generator. */
function login(sdk: string, user: string, password: string): Promise<string> {
  const body = envelope(
    `<Login xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this><userName>${user}</userName><password>${password}</password></Login>`,
  );
  return new Promise((resolve, reject) => {
    const req = request(sdk, { method: 'POST', rejectUnauthorized: false, headers: soapHeaders() }, (res) => {
      res.resume();
      const cookie = res.headers['set-cookie']?.find((c) => c.startsWith('vmware_soap_session='));
      if (res.statusCode === 200 && cookie) resolve(cookie.split(';')[0]);
      else reject(new Error(`login to ${sdk} failed: HTTP ${res.statusCode}`));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function envelope(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

function soapHeaders(cookie?: string): Record<string, string> {
  return {
    'Content-Type': 'text/xml; charset=utf-8',
    SOAPAction: '"urn:vim25/7.0.3.0"',
    ...(cookie ? { Cookie: cookie } : {}),
  };
}

/** The counter keys by group.name.rollup, from the server's own perfCounter catalogue. */
async function counterKeys(raw: RawVim): Promise<Map<string, number>> {
  const xml = await raw.call(
    `<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this><specSet><propSet><type>PerformanceManager</type><pathSet>perfCounter</pathSet></propSet><objectSet><obj type="PerformanceManager">PerfMgr</obj></objectSet></specSet><options></options></RetrievePropertiesEx>`,
  );
  const keys = new Map<string, number>();
  for (const [, info] of xml.matchAll(/<PerfCounterInfo[^>]*>(.*?)<\/PerfCounterInfo>/g)) {
    const key = Number(info.match(/^<key>(\d+)<\/key>/)![1]);
    const [name, group] = [...info.matchAll(/<key>([^<]+)<\/key><\/\w+>/g)].map((m) => m[1]);
    const rollup = info.match(/<rollupType>(\w+)<\/rollupType>/)![1];
    keys.set(`${group}.${name}.${rollup}`, key);
  }
  return keys;
}

async function queryPerfBody(raw: RawVim): Promise<string> {
  const vms = (await raw.listVms()).slice(0, HOSTS * VMS_PER_HOST);
  const keys = await counterKeys(raw);
  const metricIds = COUNTERS.map((name) => {
    const key = keys.get(name);
    if (key === undefined) throw new Error(`no counter ${name}`);
    return `<metricId><counterId>${key}</counterId><instance></instance></metricId>`;
  }).join('');
  const specs = vms
    .map(
      (vm) =>
        `<querySpec><entity type="VirtualMachine">${vm.moref}</entity><maxSample>${MAX_SAMPLE}</maxSample>${metricIds}<intervalId>20</intervalId></querySpec>`,
    )
    .join('');
  return envelope(
    `<QueryPerf xmlns="urn:vim25"><_this type="PerformanceManager">PerfMgr</_this>${specs}</QueryPerf>`,
  );
}

interface Prepared {
  target: Target;
  body: string;
  cookie: string;
  responseBytes: number;
}

/** Logs in, builds the QueryPerf request from the server's own VMs and counters, and checks one answer. */
async function prepare(target: Target, user: string, password: string): Promise<Prepared> {
  const raw = new RawVim(target.sdk);
  await raw.login(user, password);
  const body = await queryPerfBody(raw);
  const cookie = await login(target.sdk, user, password);
  const sample = await raw.call(body.replace(/^.*<soapenv:Body>|<\/soapenv:Body>.*$/g, ''));
  const entities = (sample.match(/<returnval /g) ?? []).length;
  if (entities !== HOSTS * VMS_PER_HOST)
    throw new Error(`${target.name} answered ${entities} entities, not 200`);
  return { target, body, cookie, responseBytes: Buffer.byteLength(sample) };
}

/** Requests and bytes answered in one round of ROUND_SECONDS. */
async function round(prepared: Prepared): Promise<{ requests: number; bytes: number; p99Ms: number }> {
  const result = await autocannon({
    url: prepared.target.sdk,
    method: 'POST',
    headers: soapHeaders(prepared.cookie),
    body: prepared.body,
    connections: CONNECTIONS,
    duration: ROUND_SECONDS,
  });
  if (result.non2xx || result.errors || result.timeouts)
    throw new Error(
      `${prepared.target.name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  return { requests: result.requests.total, bytes: result.throughput.total, p99Ms: result.latency.p99 };
}

/** Peak resident set of a process, from the kernel's high-water mark. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/^VmHWM:\s+(\d+) kB/m)![1]) / 1024;
}

async function main(): Promise<void> {
  process.stdout.write(
    `bench/simulator: 200-VM QueryPerf (${COUNTERS.length} counters, instance "", maxSample ${MAX_SAMPLE}), ` +
      `${CONNECTIONS} keep-alive connections, ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s each, HTTPS\n`,
  );
  await buildVcsim();
  const vcsim = await startVcsim({
    datacenters: 1,
    clusters: 1,
    hostsPerCluster: HOSTS,
    vmsPerHost: VMS_PER_HOST,
    tls: true,
  });
  const simulator = await startApp('simulator', {
    env: {
      VCC_HTTP_TLS_SELF_SIGNED: 'true',
      VCC_INVENTORY_CLUSTERS_PER_DATACENTER: '1',
      VCC_INVENTORY_HOSTS_PER_CLUSTER: String(HOSTS),
      VCC_INVENTORY_VMS_PER_HOST: String(VMS_PER_HOST),
      // vcsim's VMs all run; so do these, for the same amount of data.
      VCC_INVENTORY_POWERED_OFF_PERCENT: '0',
      VCC_INVENTORY_TEMPLATE_PERCENT: '0',
      VCC_INVENTORY_SRM_PLACEHOLDER_PERCENT: '0',
      VCC_EVENTS_INTERVAL_SECONDS: '0',
    },
  });
  const totals = new Map<string, Measured & { requests: number; bytes: number }>();
  try {
    const targets = [
      await prepare({ name: 'vcsim', sdk: vcsim.url }, vcsim.username, vcsim.password),
      await prepare({ name: 'simulator', sdk: `${simulator.url}/sdk` }, 'user', 'pass'),
    ];
    for (let r = 1; r <= ROUNDS; r++) {
      const line: string[] = [];
      for (const prepared of targets) {
        const { requests, bytes, p99Ms } = await round(prepared);
        const total = totals.get(prepared.target.name) ?? {
          requests: 0,
          bytes: 0,
          requestsPerSecond: 0,
          megabytesPerSecond: 0,
          responseBytes: prepared.responseBytes,
          p99Ms: 0,
        };
        total.requests += requests;
        total.bytes += bytes;
        total.p99Ms = Math.max(total.p99Ms, p99Ms);
        total.requestsPerSecond = total.requests / (r * ROUND_SECONDS);
        total.megabytesPerSecond = total.bytes / (r * ROUND_SECONDS) / 1e6;
        totals.set(prepared.target.name, total);
        line.push(`${prepared.target.name} ${(requests / ROUND_SECONDS).toFixed(1)} req/s`);
      }
      process.stdout.write(`round ${r}    ${line.join(', ')}\n`);
    }
  } finally {
    await simulator.stop();
    await vcsim.stop();
  }
  for (const [name, measured] of totals)
    process.stdout.write(
      `${name.padEnd(10)} ${measured.requestsPerSecond.toFixed(1).padStart(7)} req/s ${measured.megabytesPerSecond.toFixed(1).padStart(7)} MB/s  ` +
        `response ${(measured.responseBytes / 1e6).toFixed(2)} MB, worst p99 ${measured.p99Ms} ms\n`,
    );
  const ours = totals.get('simulator')!;
  const theirs = totals.get('vcsim')!;
  const ratio = ours.requestsPerSecond / theirs.requestsPerSecond;
  process.stdout.write(
    `ratio      ${ratio.toFixed(2)}x vcsim (limit: 1.00x, the simulator must not be slower)\n`,
  );

  const vms = LARGE.datacenters * LARGE.clustersPerDatacenter * LARGE.hostsPerCluster * LARGE.vmsPerHost;
  const started = performance.now();
  const large = await startApp('simulator', {
    env: {
      VCC_INVENTORY_DATACENTERS: String(LARGE.datacenters),
      VCC_INVENTORY_CLUSTERS_PER_DATACENTER: String(LARGE.clustersPerDatacenter),
      VCC_INVENTORY_HOSTS_PER_CLUSTER: String(LARGE.hostsPerCluster),
      VCC_INVENTORY_VMS_PER_HOST: String(LARGE.vmsPerHost),
      VCC_EVENTS_INTERVAL_SECONDS: '0',
    },
  });
  const startSeconds = (performance.now() - started) / 1000;
  let rssMb: number;
  try {
    const raw = new RawVim(`${large.url}/sdk`);
    await raw.login('user', 'pass');
    const listed = (await raw.listVms()).length;
    if (listed !== vms) throw new Error(`the large simulator lists ${listed} VMs, not ${vms}`);
    rssMb = peakRssMb(large.process.child.pid!);
  } finally {
    await large.stop();
  }
  process.stdout.write(
    `startup    ${vms} VMs listening after ${startSeconds.toFixed(1)} s (limit 30 s), peak RSS after listing them all ${Math.round(rssMb)} MB (limit 1536 MB)\n`,
  );
  process.stdout.write(
    `simulator: ${ratio.toFixed(1)}x vcsim on 200-VM QueryPerf (${ours.requestsPerSecond.toFixed(0)} req/s vs ${theirs.requestsPerSecond.toFixed(0)} req/s); ` +
      `${vms / 1000}k VMs start in ${startSeconds.toFixed(1)} s, ${Math.round(rssMb)} MB RSS\n`,
  );
}

runBench('simulator', main);
