import { HttpStatus, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { AggregatorConfig } from '@vcc/config';
import { FieldError, notFound } from '@vcc/platform';
import { checkPackage } from './package-check';
import { PackageError } from './package-reader';
import { UploadRunner } from './upload-runner';
import { UploadRepository } from './upload.repository';
import { uploadView, type UploadView } from './upload.dto';

/** Room for the multipart envelope around the file (boundaries, part headers) in Content-Length. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/**
 * Accepts node packages. A package is spooled to disk as it arrives (never held in memory), then
 * read once more to check it whole: the client learns of a bad package from a 400 at once rather
 * than from a failed job later. Only then is it queued (202) and ingested in the background.
 */
@Injectable()
export class UploadsService implements OnModuleInit {
  private readonly logger = new Logger('Uploads');
  private readonly spoolDirectory: string;

  constructor(
    private readonly config: AggregatorConfig,
    private readonly uploads: UploadRepository,
    private readonly runner: UploadRunner,
  ) {
    this.spoolDirectory = config.uploads.spoolDirectory || join(tmpdir(), 'vcc-uploads');
  }

  async onModuleInit(): Promise<void> {
    await mkdir(this.spoolDirectory, { recursive: true, mode: 0o700 });
  }

  async accept(request: FastifyRequest, requestedBy: string): Promise<UploadView> {
    const { maxBytes, maxFiles, maxRatio } = this.config.uploads;
    const tooLarge = new FieldError(
      HttpStatus.PAYLOAD_TOO_LARGE,
      'file',
      `file: larger than uploads.maxBytes (${maxBytes} bytes)`,
    );
    if (Number(request.headers['content-length']) > maxBytes + MULTIPART_OVERHEAD_BYTES) throw tooLarge;
    if (!request.isMultipart())
      throw new FieldError(
        HttpStatus.BAD_REQUEST,
        'file',
        'file: send the package as multipart/form-data with one file part (curl -F file=@package.tar.gz)',
      );
    const part = await request.file({ limits: { fileSize: maxBytes, files: 1 } });
    if (!part) throw new FieldError(HttpStatus.BAD_REQUEST, 'file', 'file: the request holds no file part');
    const spoolFile = join(this.spoolDirectory, `node-package-${randomUUID()}.tar.gz`);
    let queued = false;
    try {
      try {
        await pipeline(part.file, createWriteStream(spoolFile, { mode: 0o600 }));
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === HttpStatus.PAYLOAD_TOO_LARGE) throw tooLarge;
        throw error;
      }
      if (part.file.truncated) throw tooLarge;
      const checked = await checkPackage(createReadStream(spoolFile), { maxFiles, maxRatio });
      const upload = await this.uploads.insert({
        manifestUuid: checked.manifest.uuid,
        clusterId: checked.manifest.cluster_id,
        clusterName: checked.manifest.cr_status.source.name,
        requestedBy,
        owner: this.runner.owner,
        spoolFile,
        bytes: checked.stats.compressedBytes,
        files: checked.manifest.files.length,
      });
      queued = true;
      this.logger.log(
        `upload #${upload.id} accepted: manifest ${upload.manifestUuid}, cluster ${upload.clusterId}, ${upload.files} file(s), ${upload.bytes} bytes`,
      );
      this.runner.kick();
      return uploadView(upload);
    } catch (error) {
      if (error instanceof PackageError) throw new FieldError(error.status, error.field, error.message);
      throw error;
    } finally {
      if (!queued) await rm(spoolFile, { force: true });
    }
  }

  async get(id: string): Promise<UploadView> {
    const upload = await this.uploads.find(id);
    if (!upload) throw notFound('id', `id: no upload job ${id}`);
    return uploadView(upload);
  }
}
