import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { UPLOAD_STATES, type Upload } from './upload.repository';

export class UploadIdParam {
  @ApiProperty({ description: 'upload job id' })
  @Matches(/^[1-9]\d{0,17}$/, { message: 'id must be an upload job id (a positive integer)' })
  id: string;
}

export class UploadView {
  @ApiProperty()
  id: string;

  @ApiProperty({ enum: UPLOAD_STATES })
  state: string;

  @ApiProperty({ format: 'uuid', description: "the package's manifest uuid" })
  manifestUuid: string;

  @ApiProperty({ description: "the manifest's cluster_id" })
  clusterId: string;

  @ApiProperty({ description: "the manifest's cr_status.source.name" })
  clusterName: string;

  @ApiProperty({ description: 'the token name' })
  requestedBy: string;

  @ApiProperty({ description: 'bytes received (the tar.gz)' })
  bytes: number;

  @ApiProperty({ description: 'CSV files in the package' })
  files: number;

  @ApiProperty({ nullable: true, description: 'node_metrics rows written (node and hour)' })
  rows: number | null;

  @ApiProperty({ nullable: true, description: 'distinct nodes written' })
  nodes: number | null;

  @ApiProperty({ nullable: true, description: 'distinct hours written' })
  hours: number | null;

  @ApiProperty({ nullable: true, description: 'e.g. "already ingested (upload 12)": nothing changed' })
  message: string | null;

  @ApiProperty({ nullable: true })
  error: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', nullable: true })
  startedAt: string | null;

  @ApiProperty({ format: 'date-time', nullable: true })
  finishedAt: string | null;
}

export function uploadView(upload: Upload): UploadView {
  const { spoolFile: _spoolFile, ...shown } = upload;
  return {
    ...shown,
    createdAt: upload.createdAt.toISOString(),
    startedAt: upload.startedAt?.toISOString() ?? null,
    finishedAt: upload.finishedAt?.toISOString() ?? null,
  };
}
