import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';

/**
 * Writes koku-metrics-operator packages (tar.gz: manifest.json and pod usage CSVs) for the README
 * example, the tests and the benchmark, streaming: a package of any size is made in constant memory.
 */

/** One node in one hourly interval (the operator writes one such row per pod; one is enough here). */
export interface NodeRow {
  node: string;
  role: string;
  resourceId: string;
  cores: number;
  intervalStart: Date;
}

export interface NodePackageSpec {
  uuid?: string;
  clusterId: string;
  clusterName: string;
  rows: Iterable<NodeRow>;
  /** Rows per CSV file (the operator splits large reports). */
  rowsPerFile?: number;
  /** Bytes of random hex in an extra column per row (the operator's pod_labels; vcc ignores it). */
  padding?: number;
}

export interface WrittenPackage {
  uuid: string;
  rows: number;
  files: string[];
  bytes: number;
}

export const CSV_COLUMNS = [
  'report_period_start',
  'report_period_end',
  'interval_start',
  'interval_end',
  'node',
  'namespace',
  'pod',
  'pod_usage_cpu_core_seconds',
  'node_capacity_cpu_cores',
  'node_capacity_cpu_core_seconds',
  'node_capacity_memory_bytes',
  'resource_id',
  'node_role',
  'pod_labels',
];

const HOUR_MS = 3_600_000;

/** Times as the operator (Go) writes them: `2026-11-01 00:00:00 +0000 UTC`. */
export function kokuTime(time: Date): string {
  return `${time.toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}

/** `hours` hourly rows of one node from `from` on. */
export function* hourlyRows(
  node: string,
  cores: number,
  from: Date,
  hours: number,
  role = 'worker',
): Generator<NodeRow> {
  for (let hour = 0; hour < hours; hour++)
    yield {
      node,
      role,
      resourceId: `aws:///us-east-1a/i-${node}`,
      cores,
      intervalStart: new Date(from.getTime() + hour * HOUR_MS),
    };
}

function csvLine(row: NodeRow, padding: number): string {
  const start = row.intervalStart;
  const month = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1));
  const nextMonth = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  const labels = padding ? `label_pad:${randomBytes(Math.ceil(padding / 2)).toString('hex').slice(0, padding)}` : '';
  return [
    kokuTime(month),
    kokuTime(nextMonth),
    kokuTime(start),
    kokuTime(new Date(start.getTime() + HOUR_MS - 1000)),
    row.node,
    'openshift-monitoring',
    `prometheus-${row.node}`,
    '12.5',
    String(row.cores),
    String(row.cores * 3600),
    String(16 * 1024 ** 3),
    row.resourceId,
    row.role,
    labels,
  ].join(',');
}

/** Writes the package to `path`. */
export async function writeNodePackage(path: string, spec: NodePackageSpec): Promise<WrittenPackage> {
  const uuid = spec.uuid ?? randomUUID();
  const rowsPerFile = spec.rowsPerFile ?? 100_000;
  const work = await mkdtemp(join(tmpdir(), 'vcc-node-package-'));
  try {
    // A tar header needs the size first: each CSV is written to a file, then packed from it.
    const files: string[] = [];
    let rows = 0;
    let out: ReturnType<typeof createWriteStream> | undefined;
    const write = async (text: string): Promise<void> => {
      if (!out!.write(text)) await once(out!, 'drain');
    };
    const close = async (): Promise<void> => {
      if (!out) return;
      out.end();
      await once(out, 'finish');
      out = undefined;
    };
    for (const row of spec.rows) {
      if (rows % rowsPerFile === 0) {
        await close();
        files.push(`${uuid}_openshift_usage_report.${files.length}.csv`);
        out = createWriteStream(join(work, files.at(-1)!));
        await write(`${CSV_COLUMNS.join(',')}\n`);
      }
      await write(`${csvLine(row, spec.padding ?? 0)}\n`);
      rows += 1;
    }
    await close();
    const manifest = {
      uuid,
      cluster_id: spec.clusterId,
      version: 'b2fc4a2c3ba3f4ed4f4f17d7a6bc14a3f4d7e0ab',
      date: new Date().toISOString(),
      files,
      start: new Date().toISOString(),
      end: new Date().toISOString(),
      certified: false,
      operator_version: '4.0.0',
      cr_status: { clusterID: spec.clusterId, source: { name: spec.clusterName } },
    };
    const tar = tarPack();
    const written = pipeline(tar, createGzip({ level: 1 }), createWriteStream(path));
    tar.entry({ name: 'manifest.json' }, JSON.stringify(manifest, null, 2));
    for (const name of files) {
      const file = join(work, name);
      const entry = tar.entry({ name, size: (await stat(file)).size });
      await pipeline(createReadStream(file), entry);
    }
    tar.finalize();
    await written;
    return { uuid, rows, files, bytes: (await stat(path)).size };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
