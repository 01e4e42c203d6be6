import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Core counts per node per day, for OpenShift clusters (koku-metrics-operator packages posted to the
 * aggregator) and for ESXi hosts (from the hourly inventory snapshots), in one summary table.
 *
 * - node_cluster: an OpenShift cluster (id: the package's cluster_id) or a vCenter (id: its uuid).
 * - node: a node of a cluster, by name; its type is the package's node_role, or esxi.
 * - node_metrics: one row per node and hourly interval from the packages, monthly partitions.
 * - node_daily_summary: hours a node was seen per day and core count, monthly partitions.
 * - node_upload: the upload jobs (state and counts); node_manifest: the packages ingested, by
 *   manifest uuid, so that the same package twice is ingested once.
 */
export class NodeUploads1764700000000 implements MigrationInterface {
  name = 'NodeUploads1764700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE node_cluster (
        id text PRIMARY KEY,
        name text NOT NULL,
        source text NOT NULL CHECK (source IN ('upload', 'vcenter'))
      )`);
    await db.query(`
      CREATE TABLE node (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        cluster_id text NOT NULL REFERENCES node_cluster ON DELETE CASCADE,
        name text NOT NULL,
        node_type text NOT NULL,
        resource_id text NOT NULL,
        UNIQUE (cluster_id, name)
      )`);
    await db.query(`
      CREATE TABLE node_metrics (
        node_id bigint NOT NULL,
        interval_start timestamptz NOT NULL,
        interval_end timestamptz NOT NULL,
        core_count double precision NOT NULL,
        core_seconds double precision NOT NULL,
        memory_bytes double precision NOT NULL,
        manifest_uuid uuid NOT NULL,
        PRIMARY KEY (node_id, interval_start)
      ) PARTITION BY RANGE (interval_start)`);
    await db.query(`
      CREATE TABLE node_daily_summary (
        node_id bigint NOT NULL,
        date date NOT NULL,
        core_count double precision NOT NULL,
        total_hours integer NOT NULL,
        PRIMARY KEY (node_id, date, core_count)
      ) PARTITION BY RANGE (date)`);
    await db.query(`CREATE INDEX node_daily_summary_date ON node_daily_summary (date)`);
    await db.query(`
      CREATE TABLE node_upload (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        manifest_uuid uuid NOT NULL,
        cluster_id text NOT NULL,
        cluster_name text NOT NULL,
        state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
        requested_by text NOT NULL,
        owner integer NOT NULL,
        spool_file text NOT NULL,
        bytes bigint NOT NULL,
        files integer NOT NULL,
        rows bigint,
        nodes integer,
        hours integer,
        message text,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await db.query(`CREATE INDEX node_upload_open ON node_upload (id) WHERE state IN ('queued', 'running')`);
    await db.query(`
      CREATE TABLE node_manifest (
        uuid uuid PRIMARY KEY,
        cluster_id text NOT NULL,
        upload_id bigint NOT NULL,
        ingested_at timestamptz NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      'DROP TABLE node_manifest, node_upload, node_daily_summary, node_metrics, node, node_cluster',
    );
  }
}
