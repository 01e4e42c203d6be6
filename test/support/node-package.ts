import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
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
  /** The rows, generated afresh on each call (they are generated twice). */
  rows: () => Iterable<NodeRow>;
  /** Rows per CSV file (the operator splits large reports). */
  rowsPerFile?: number;
  /** Bytes in an extra column per row (the operator's pod_labels; vcc ignores it). */
  padding?: number;
}

export interface WrittenPackage {
  uuid: string;
  rows: number;
  files: string[];
  /** Size of the tar.gz. */
  bytes: number;
  /** Size of the CSVs, decompressed. */
  csvBytes: number;
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

/**
 * Random base64url (6 bits a character) that padding is cut from at random offsets: as hard for
 * gzip as fresh random text (its window is 32 KiB) at a fraction of the cost.
 */
const PADDING_POOL = randomBytes(3 * 1024 * 1024).toString('base64url');

function padding(length: number): string {
  const start = Math.floor(Math.random() * (PADDING_POOL.length - length));
  return PADDING_POOL.slice(start, start + length);
}

function csvLine(row: NodeRow, paddingLength: number): string {
  const start = row.intervalStart;
  const month = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1));
  const nextMonth = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  const labels = paddingLength ? `label_pad:${padding(paddingLength)}` : '';
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

/** The CSV files' lines (header first), `rowsPerFile` rows per file, in batches of up to 1000 lines. */
function* csvBatches(spec: NodePackageSpec, rowsPerFile: number): Generator<{ file: number; text: string }> {
  let rows = 0;
  let lines: string[] = [];
  let file = -1;
  for (const row of spec.rows()) {
    if (rows % rowsPerFile === 0) {
      if (lines.length) yield { file, text: `${lines.join('\n')}\n` };
      file += 1;
      lines = [CSV_COLUMNS.join(',')];
    }
    lines.push(csvLine(row, spec.padding ?? 0));
    rows += 1;
    if (lines.length >= 1000) {
      yield { file, text: `${lines.join('\n')}\n` };
      lines = [];
    }
  }
  if (lines.length) yield { file, text: `${lines.join('\n')}\n` };
}

/**
 * Writes the package to `path`. A tar header needs the file's size first: the rows are generated
 * twice, once to measure each CSV and once to write it (cheaper than a temporary file).
 */
export async function writeNodePackage(path: string, spec: NodePackageSpec): Promise<WrittenPackage> {
  const uuid = spec.uuid ?? randomUUID();
  const rowsPerFile = spec.rowsPerFile ?? 100_000;
  const sizes: number[] = [];
  for (const batch of csvBatches(spec, rowsPerFile))
    sizes[batch.file] = (sizes[batch.file] ?? 0) + Buffer.byteLength(batch.text);
  const files = sizes.map((_, index) => `${uuid}_openshift_usage_report.${index}.csv`);
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
  let rows = 0;
  let open: { entry: NodeJS.WritableStream; done: Promise<void> } | undefined;
  const close = async (): Promise<void> => {
    if (!open) return;
    open.entry.end();
    await open.done;
  };
  let current = -1;
  for (const batch of csvBatches(spec, rowsPerFile)) {
    if (batch.file !== current) {
      await close();
      current = batch.file;
      let entry: NodeJS.WritableStream | undefined;
      const done = new Promise<void>((resolve, reject) => {
        entry = tar.entry({ name: files[current], size: sizes[current] }, (error) =>
          error ? reject(error) : resolve(),
        );
      });
      open = { entry: entry!, done };
    }
    rows += batch.text.split('\n').length - 1;
    if (!open!.entry.write(batch.text)) await once(open!.entry, 'drain');
  }
  await close();
  tar.finalize();
  await written;
  // Each file's header line is not a row.
  return {
    uuid,
    rows: rows - files.length,
    files,
    bytes: (await stat(path)).size,
    csvBytes: sizes.reduce((sum, size) => sum + size, 0),
  };
}
