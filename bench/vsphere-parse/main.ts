/**
 * bench/vsphere-parse: MB/s of the QueryPerf hot-path parser (a streaming tokenizer straight to line
 * protocol) against strong-soap (vcc's typed control-plane client) on the same responses, measured
 * in one run, inside a worker thread as the collector runs its hot path. The ~1 MB response is vcsim's real answer to a 200-VM x 10-counter QueryPerf (15
 * samples); the ~2.5 MB one expands every series to three instances, as real vCenter answers "*".
 * usage: npm run bench:vsphere-parse
 */
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import {
  counterFields,
  entityTags,
  planQueries,
  QueryPerfParser,
  VimSoapClient,
  VsphereClient,
  type EntityOutput,
  type PerfCounter,
} from '@vcc/vsphere';
import { buildVcsim, startVcsim } from '../../test/support/vcsim';
import { runBench } from '../run-bench';

const RUNS = 15;

interface Job {
  responses: [string, string][];
  counters: PerfCounter[];
  vms: { moref: string; tags: Record<string, string | null> }[];
}

interface Row {
  name: string;
  mb: number;
  hotMs: number;
  soapMs: number;
  lines: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median milliseconds of `work` over RUNS runs, after 3 warm-up runs. */
function time(work: () => unknown): number {
  for (let i = 0; i < 3; i++) work();
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    work();
    runs.push(performance.now() - started);
  }
  return median(runs);
}

/** Every series three times, as instances "", "0" and "1", with the usual xsi prefix. */
function expandInstances(xml: string): string {
  return xml
    .replace(/xmlns:XMLSchema-instance="[^"]*" /g, '')
    .replace(/XMLSchema-instance:type=/g, 'xsi:type=')
    .replace(
      /<value xsi:type="PerfMetricIntSeries"><id><counterId>(\d+)<\/counterId><instance>\*<\/instance><\/id>((?:<value>[^<]*<\/value>)*)<\/value>/g,
      (_series, counterId: string, values: string) =>
        ['', '0', '1']
          .map(
            (instance) =>
              `<value xsi:type="PerfMetricIntSeries"><id><counterId>${counterId}</counterId><instance>${instance}</instance></id>${values}</value>`,
          )
          .join(''),
    );
}

/** The measurement itself, in the worker thread. */
async function measure(job: Job): Promise<Row[]> {
  const fields = counterFields('vm', job.counters, 'telegraf');
  const entities = new Map<string, EntityOutput>(
    job.vms.map((vm) => [vm.moref, { tags: entityTags(vm.tags), fields }]),
  );
  const soap = await VimSoapClient.create({ sdkUrl: 'http://127.0.0.1:1/sdk' });
  const rows: Row[] = [];
  for (const [name, xml] of job.responses) {
    // The hot path reads the bytes off the wire; strong-soap gets the text it is given in production.
    const bytes = Buffer.from(xml);
    const parsed = QueryPerfParser.parse(bytes, entities);
    const typed = soap.parseResponse<unknown[]>('QueryPerf', xml);
    if (parsed.lineCount === 0 || typed.length !== job.vms.length)
      throw new Error(`${name}: a parser did not read the response`);
    rows.push({
      name,
      mb: Buffer.byteLength(xml) / 1e6,
      hotMs: time(() => QueryPerfParser.parse(bytes, entities)),
      soapMs: time(() => soap.parseResponse('QueryPerf', xml)),
      lines: parsed.lineCount,
    });
  }
  soap.close();
  return rows;
}

/** Captures one real 200-VM QueryPerf response from vcsim. */
async function capture(): Promise<Job> {
  await buildVcsim();
  const sim = await startVcsim({ clusters: 2, hostsPerCluster: 4, vmsPerHost: 25 });
  try {
    const client = await VsphereClient.connect({
      endpoint: { sdkUrl: sim.url, insecure: true },
      credentials: { username: sim.username, password: sim.password },
      session: { keepAliveMs: 0 },
    });
    const vms = (await client.inventory()).vms;
    const catalog = await client.performance.counterCatalog();
    const available = await client.performance.availableMetrics(
      { type: 'VirtualMachine', value: vms[0].moref },
      20,
    );
    const counters = [...new Set(available.map((id) => id.counterId))]
      .slice(0, 10)
      .map((key) => catalog.byKey.get(key)!);
    const [request] = planQueries(
      vms.map((vm) => ({
        entity: { type: 'VirtualMachine', value: vm.moref },
        metricIds: counters.map((c) => ({ counterId: c.key, instance: '*' })),
      })),
      { maxQueryMetrics: null, maxEntitiesPerQuery: vms.length },
    );
    const end = await client.currentTime();
    const body = client
      .prepare(request, 20)
      .body(() => ({ start: new Date(end.getTime() - 300_000), end, maxSample: 15 }));
    const chunks: Buffer[] = [];
    await client.postQueryPerf(body, (chunk) => chunks.push(chunk));
    const xml = Buffer.concat(chunks).toString();
    await client.close();
    return {
      responses: [
        ['vcsim response', xml],
        ['3 instances per series', expandInstances(xml)],
      ],
      counters,
      vms: vms.map((vm) => ({
        moref: vm.moref,
        tags: {
          vcenter: 'bench',
          moid: vm.moref,
          vmname: vm.name,
          clustername: vm.clusterName,
          esxhostname: vm.hostName,
          dcname: vm.datacenterName,
        },
      })),
    };
  } finally {
    await sim.stop();
  }
}

async function main(): Promise<void> {
  const job = await capture();
  const rows = await new Promise<Row[]>((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: job });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  process.stdout.write(
    `vsphere-parse: ${job.vms.length} VMs x ${job.counters.length} counters; median of ${RUNS} runs in a worker thread; node ${process.version}\n`,
  );
  const rate = (row: Row, ms: number): string => `${(row.mb / (ms / 1000)).toFixed(1)} MB/s`;
  for (const row of rows) {
    process.stdout.write(
      `  ${row.name.padEnd(24)} ${row.mb.toFixed(2)} MB  hot path ${row.hotMs.toFixed(1)} ms (${rate(row, row.hotMs)}, ${row.lines} lines)` +
        `  strong-soap ${row.soapMs.toFixed(1)} ms (${rate(row, row.soapMs)})  ratio ${(row.soapMs / row.hotMs).toFixed(2)}x\n`,
    );
  }
  const worst = rows.reduce((a, b) => (b.soapMs / b.hotMs < a.soapMs / a.hotMs ? b : a));
  const ratio = worst.soapMs / worst.hotMs;
  process.stdout.write(
    `vsphere-parse: hot path ${ratio.toFixed(1)}x strong-soap (${rate(worst, worst.hotMs)} vs ${rate(worst, worst.soapMs)} on the ${worst.mb.toFixed(1)} MB response, the worst of ${rows.length}; target 3x ${ratio >= 3 ? 'met' : 'NOT met'})\n`,
  );
}

if (isMainThread) {
  runBench('vsphere-parse', main);
} else {
  measure(workerData as Job).then(
    (rows) => parentPort!.postMessage(rows),
    (error: unknown) => {
      throw error;
    },
  );
}
