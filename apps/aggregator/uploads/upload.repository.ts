import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JOB_OWNER_LOCK_CLASS, ownerLockGone } from '../jobs/job.repository';

export const UPLOAD_STATES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type UploadState = (typeof UPLOAD_STATES)[number];

/** An upload job: one accepted package and what its ingest did. */
export interface Upload {
  id: string;
  manifestUuid: string;
  clusterId: string;
  clusterName: string;
  state: UploadState;
  requestedBy: string;
  bytes: number;
  files: number;
  rows: number | null;
  nodes: number | null;
  hours: number | null;
  message: string | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Where the package waits in this process's spool directory. */
  spoolFile: string;
}

export interface UploadRequest {
  manifestUuid: string;
  clusterId: string;
  clusterName: string;
  requestedBy: string;
  owner: number;
  spoolFile: string;
  bytes: number;
  files: number;
}

const COLUMNS = `id::text AS id, manifest_uuid AS "manifestUuid", cluster_id AS "clusterId",
  cluster_name AS "clusterName", state, requested_by AS "requestedBy", bytes::float8 AS bytes, files,
  rows::float8 AS rows, nodes, hours, message, error, created_at AS "createdAt", started_at AS "startedAt",
  finished_at AS "finishedAt", spool_file AS "spoolFile"`;

/** The node_upload table (upload jobs). */
@Injectable()
export class UploadRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(request: UploadRequest): Promise<Upload> {
    const rows: Upload[] = await this.dataSource.query(
      `INSERT INTO node_upload (manifest_uuid, cluster_id, cluster_name, requested_by, owner, spool_file, bytes, files)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
      [
        request.manifestUuid,
        request.clusterId,
        request.clusterName,
        request.requestedBy,
        request.owner,
        request.spoolFile,
        request.bytes,
        request.files,
      ],
    );
    return rows[0];
  }

  async find(id: string): Promise<Upload | undefined> {
    const rows: Upload[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM node_upload WHERE id = $1`, [
      id,
    ]);
    return rows[0];
  }

  /** Takes the oldest queued upload of `owner`: its package is in this process's spool directory. */
  async claimNext(owner: number): Promise<Upload | undefined> {
    const result = (await this.dataSource.query(
      `UPDATE node_upload SET state = 'running', started_at = clock_timestamp()
        WHERE id = (SELECT id FROM node_upload WHERE state = 'queued' AND owner = $1
                     ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING ${COLUMNS}`,
      [owner],
    )) as [Upload[], number];
    return result[0][0];
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE node_upload SET state = 'failed', error = $2, finished_at = clock_timestamp() WHERE id = $1`,
      [id, error],
    );
  }

  /**
   * Fails the queued and running uploads of processes that are gone (they no longer hold their
   * owner lock, see JobRepository.failOrphans): their packages were in those processes' spool.
   */
  async failOrphans(): Promise<Upload[]> {
    const result = (await this.dataSource.query(
      `UPDATE node_upload upload
          SET state = 'failed', finished_at = clock_timestamp(),
              error = 'interrupted: the aggregator that accepted the package stopped before ingesting it; nothing was kept, upload it again'
        WHERE state IN ('queued', 'running')
          AND ${ownerLockGone('upload.owner')}
        RETURNING ${COLUMNS}`,
      [JOB_OWNER_LOCK_CLASS],
    )) as [Upload[], number];
    return result[0];
  }
}
