/**
 * Node upload throughput: a koku-metrics-operator package of 1,000,000 CSV rows (1,000 nodes ×
 * 1,000 hours, in files of 100,000 rows) checked and ingested the way the aggregator does it (the
 * upload route's whole-package check, then the ingest job's staging and one transaction), on
 * `databaseUrl`, a migrated database. HTTP transfer is left out: it is the network's, not vcc's.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { UploadsConfig } from '@vcc/config';
import { dataSourceOptions } from '@vcc/database';
import { ingestPackage } from '../../apps/aggregator/uploads/node-ingest';
import { checkPackage } from '../../apps/aggregator/uploads/package-check';
import { UploadRepository } from '../../apps/aggregator/uploads/upload.repository';
import { hourlyRows, writeNodePackage, type NodeRow } from '../../test/support/node-package';

const NODES = 1000;
const HOURS = 1000;

/** Returns the summary line: `uploads: N CSV rows in S s = R rows/s (check C s, ingest I s)`. */
export async function benchUploads(databaseUrl: string): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'vcc-bench-uploads-'));
  const dataSource = new DataSource(dataSourceOptions({ url: databaseUrl, poolSize: 2 } as never));
  await dataSource.initialize();
  try {
    const file = join(work, 'package.tar.gz');
    const rows = function* (): Generator<NodeRow> {
      for (let node = 0; node < NODES; node++)
        yield* hourlyRows(`node-${node}`, 8, new Date('2026-08-01T00:00:00Z'), HOURS);
    };
    const written = await writeNodePackage(file, { clusterId: 'bench', clusterName: 'bench', rows });
    const limits = { maxFiles: new UploadsConfig().maxFiles, maxRatio: new UploadsConfig().maxRatio };

    let started = performance.now();
    const checked = await checkPackage(createReadStream(file), limits);
    const checkSeconds = (performance.now() - started) / 1000;

    const upload = await new UploadRepository(dataSource).insert({
      manifestUuid: checked.manifest.uuid,
      clusterId: checked.manifest.cluster_id,
      clusterName: checked.manifest.cr_status.source.name,
      requestedBy: 'bench',
      owner: 0,
      spoolFile: file,
      bytes: checked.stats.compressedBytes,
      files: checked.manifest.files.length,
    });
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    started = performance.now();
    const result = await ingestPackage(runner, upload, limits, 'UTC');
    const ingestSeconds = (performance.now() - started) / 1000;
    await runner.release();
    if (result.rows !== written.rows) throw new Error(`ingested ${result.rows} rows of ${written.rows}`);
    const seconds = checkSeconds + ingestSeconds;
    return `uploads: ${written.rows} CSV rows (${(written.bytes / 1e6).toFixed(1)} MB tar.gz, ${(written.csvBytes / 1e6).toFixed(0)} MB CSV) in ${seconds.toFixed(1)} s = ${Math.round(written.rows / seconds)} rows/s (check ${checkSeconds.toFixed(1)} s, ingest ${ingestSeconds.toFixed(1)} s)`;
  } finally {
    await dataSource.destroy();
    await rm(work, { recursive: true, force: true });
  }
}
