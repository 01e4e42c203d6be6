import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { QueryRunner } from 'typeorm';
import { createMonthlyPartition, monthlyPartition, type SqlRunner } from '@vcc/database';
import { MANIFEST_NAME } from './manifest';
import { readPackage, type PackageLimits } from './package-reader';
import type { Upload } from './upload.repository';

/** Rows per multi-row INSERT into the staging table: big enough to amortise a round trip. */
const STAGE_BATCH_ROWS = 5000;

/** The operator writes times as Go does: `2024-06-01 00:00:00 +0000 UTC`; PostgreSQL takes all but the zone name. */
const KOKU_TIME = (column: string): string => `regexp_replace(${column}, ' [A-Z]{1,5}$', '')::timestamptz`;

const STAGE_SQL = `
  INSERT INTO node_stage (node, node_role, resource_id, interval_start, interval_end, core_count, core_seconds, memory_bytes)
  SELECT node, node_role, resource_id, ${KOKU_TIME('interval_start')}, ${KOKU_TIME('interval_end')},
         core_count::float8, core_seconds::float8, memory_bytes::float8
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
         AS t(node, node_role, resource_id, interval_start, interval_end, core_count, core_seconds, memory_bytes)
   WHERE node <> ''`;

export interface IngestResult {
  /** The upload that ingested the manifest before (then nothing changed), or null. */
  ingestedBefore: string | null;
  rows: number;
  nodes: number;
  hours: number;
}

/**
 * Ingests an accepted package on `runner`'s own connection: streams its CSVs into a temporary
 * staging table, then in one transaction replaces the cluster's rows for the hours the package
 * holds and recomputes the daily summaries of their days (in `timeZone`), and records the manifest.
 * A package whose manifest uuid is recorded already changes nothing.
 */
export async function ingestPackage(
  runner: QueryRunner,
  upload: Upload,
  limits: PackageLimits,
  timeZone: string,
): Promise<IngestResult> {
  // A temporary table: private to this connection, not WAL-logged, and gone with the session if
  // the process dies mid-way, so a failed ingest leaves nothing to clean up.
  await runner.query(`
    CREATE TEMP TABLE IF NOT EXISTS node_stage (
      seq bigint GENERATED ALWAYS AS IDENTITY,
      node text NOT NULL,
      node_role text NOT NULL,
      resource_id text NOT NULL,
      interval_start timestamptz NOT NULL,
      interval_end timestamptz NOT NULL,
      core_count float8 NOT NULL,
      core_seconds float8 NOT NULL,
      memory_bytes float8 NOT NULL)`);
  await runner.query('TRUNCATE node_stage');
  // A package seen before is not read again; replaceHours checks once more under the cluster's
  // lock, for two uploads of the same package at once.
  const before = await ingestedBy(runner, upload.manifestUuid);
  if (before) {
    await markSucceeded(runner, upload.id, { rows: 0, nodes: 0, hours: 0 }, alreadyIngested(before));
    return { ingestedBefore: before, rows: 0, nodes: 0, hours: 0 };
  }
  try {
    await readPackage(createReadStream(upload.spoolFile), limits, async (name, content) => {
      if (name !== MANIFEST_NAME) await stageCsv(runner, name, content);
    });
    await runner.startTransaction();
    try {
      const result = await replaceHours(runner, upload, timeZone);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
  } finally {
    await runner.query('TRUNCATE node_stage').catch(() => undefined);
  }
}

/** Streams one CSV into node_stage, a batch of rows per INSERT. */
async function stageCsv(db: SqlRunner, name: string, content: AsyncIterable<Buffer>): Promise<void> {
  const parser = Readable.from(content).pipe(
    parse({ columns: true, bom: true, skipEmptyLines: true, trim: true }),
  );
  const columns = [
    'node',
    'node_role',
    'resource_id',
    'interval_start',
    'interval_end',
    'node_capacity_cpu_cores',
    'node_capacity_cpu_core_seconds',
    'node_capacity_memory_bytes',
  ];
  let batch: string[][] = columns.map(() => []);
  let batchRows = 0;
  let firstLine = 2;
  const flush = async (): Promise<void> => {
    if (!batchRows) return;
    try {
      await db.query(STAGE_SQL, batch);
    } catch (error) {
      throw new Error(`${name} lines ${firstLine}-${firstLine + batchRows - 1}: ${(error as Error).message}`);
    }
    firstLine += batchRows;
    batch = columns.map(() => []);
    batchRows = 0;
  };
  for await (const record of parser as AsyncIterable<Record<string, string>>) {
    columns.forEach((column, index) => batch[index].push(record[column] ?? ''));
    batchRows += 1;
    if (batchRows === STAGE_BATCH_ROWS) await flush();
  }
  await flush();
}

/** The set-based part, in the caller's transaction. */
async function replaceHours(db: SqlRunner, upload: Upload, timeZone: string): Promise<IngestResult> {
  const cluster = upload.clusterId;
  // Uploads of one cluster replace its hours one after the other; other clusters go on at once.
  await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`vcc.node-cluster:${cluster}`]);
  const before = await ingestedBy(db, upload.manifestUuid);
  if (before) {
    await markSucceeded(db, upload.id, { rows: 0, nodes: 0, hours: 0 }, alreadyIngested(before));
    return { ingestedBefore: before, rows: 0, nodes: 0, hours: 0 };
  }

  const months = (await db.query(
    `SELECT DISTINCT to_char(date_trunc('month', interval_start AT TIME ZONE 'UTC'), 'YYYY-MM') AS metrics,
            to_char(date_trunc('month', interval_start AT TIME ZONE $1), 'YYYY-MM') AS summary
       FROM node_stage`,
    [timeZone],
  )) as { metrics: string; summary: string }[];
  for (const month of months) {
    await createMonthlyPartition(
      db,
      'node_metrics',
      monthlyPartition('node_metrics', new Date(`${month.metrics}-01T00:00:00Z`)),
    );
    await createMonthlyPartition(
      db,
      'node_daily_summary',
      monthlyPartition('node_daily_summary', new Date(`${month.summary}-01T00:00:00Z`)),
    );
  }

  await db.query(
    `INSERT INTO node_cluster (id, name, source) VALUES ($1, $2, 'upload')
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`,
    [cluster, upload.clusterName],
  );
  // A node's role and resource id as of its last interval in the package.
  await db.query(
    `INSERT INTO node (cluster_id, name, node_type, resource_id)
     SELECT DISTINCT ON (node) $1, node, node_role, resource_id FROM node_stage ORDER BY node, interval_start DESC, seq DESC
     ON CONFLICT (cluster_id, name) DO UPDATE SET node_type = EXCLUDED.node_type, resource_id = EXCLUDED.resource_id`,
    [cluster],
  );
  await db.query(
    `DELETE FROM node_metrics m USING node n
      WHERE n.id = m.node_id AND n.cluster_id = $1
        AND m.interval_start IN (SELECT DISTINCT interval_start FROM node_stage)`,
    [cluster],
  );
  // The same node and hour twice in a package: the later row wins.
  const [metrics] = (await db.query(
    `WITH inserted AS (
       INSERT INTO node_metrics (node_id, interval_start, interval_end, core_count, core_seconds, memory_bytes, manifest_uuid)
       SELECT DISTINCT ON (s.node, s.interval_start)
              n.id, s.interval_start, s.interval_end, s.core_count, s.core_seconds, s.memory_bytes, $2
         FROM node_stage s JOIN node n ON n.cluster_id = $1 AND n.name = s.node
        ORDER BY s.node, s.interval_start, s.seq DESC
       RETURNING node_id, interval_start)
     SELECT count(*)::int AS rows, count(DISTINCT node_id)::int AS nodes, count(DISTINCT interval_start)::int AS hours
       FROM inserted`,
    [cluster, upload.manifestUuid],
  )) as { rows: number; nodes: number; hours: number }[];
  await db.query(
    `CREATE TEMP TABLE node_stage_day ON COMMIT DROP AS
     SELECT DISTINCT (interval_start AT TIME ZONE $1)::date AS date FROM node_stage`,
    [timeZone],
  );
  await db.query(
    `DELETE FROM node_daily_summary d USING node n
      WHERE n.id = d.node_id AND n.cluster_id = $1 AND d.date IN (SELECT date FROM node_stage_day)`,
    [cluster],
  );
  // Each row of node_metrics is one hourly interval of the operator's report.
  await db.query(
    `INSERT INTO node_daily_summary (node_id, date, core_count, total_hours)
     SELECT m.node_id, (m.interval_start AT TIME ZONE $2)::date, m.core_count, count(*)
       FROM node_metrics m JOIN node n ON n.id = m.node_id AND n.cluster_id = $1
      WHERE m.interval_start >= ((SELECT min(date) FROM node_stage_day)::timestamp AT TIME ZONE $2)
        AND m.interval_start < (((SELECT max(date) FROM node_stage_day) + 1)::timestamp AT TIME ZONE $2)
        AND (m.interval_start AT TIME ZONE $2)::date IN (SELECT date FROM node_stage_day)
      GROUP BY 1, 2, 3`,
    [cluster, timeZone],
  );
  await db.query(
    `INSERT INTO node_manifest (uuid, cluster_id, upload_id, ingested_at) VALUES ($1, $2, $3, clock_timestamp())`,
    [upload.manifestUuid, cluster, upload.id],
  );
  await markSucceeded(db, upload.id, metrics, null);
  return { ingestedBefore: null, ...metrics };
}

/** The upload that ingested the manifest `uuid`, if one did. */
async function ingestedBy(db: SqlRunner, uuid: string): Promise<string | undefined> {
  const rows = (await db.query('SELECT upload_id::text AS id FROM node_manifest WHERE uuid = $1', [
    uuid,
  ])) as {
    id: string;
  }[];
  return rows[0]?.id;
}

/** What an upload of a manifest ingested before says. */
export const alreadyIngested = (uploadId: string): string => `already ingested (upload ${uploadId})`;

/** In the ingest's transaction, so that the rows and the job's success commit together. */
async function markSucceeded(
  db: SqlRunner,
  id: string,
  counts: { rows: number; nodes: number; hours: number },
  message: string | null,
): Promise<void> {
  await db.query(
    `UPDATE node_upload SET state = 'succeeded', rows = $2, nodes = $3, hours = $4, message = $5,
            finished_at = clock_timestamp()
      WHERE id = $1`,
    [id, counts.rows, counts.nodes, counts.hours, message],
  );
}
