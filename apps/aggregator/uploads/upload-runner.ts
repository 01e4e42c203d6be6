import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { AsyncResource } from 'node:async_hooks';
import { rm } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { AggregatorConfig } from '@vcc/config';
import { JobRunner } from '../jobs/job-runner';
import { ingestPackage } from './node-ingest';
import { UploadRepository, type Upload } from './upload.repository';

/** How often the runner looks for uploads of processes that died (see JobRunner's POLL_MS). */
const POLL_MS = 5000;

/**
 * Ingests the packages this process accepted, one at a time, in the background: the API answers
 * 202 as soon as a package is spooled and checked. Uploads are claimed under the job runner's owner
 * number, so that another replica can tell those of a process that died (its spool is gone with it).
 */
@Injectable()
export class UploadRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Uploads');
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private kickedWhileDraining = false;
  private stopped = false;
  /** Runs the drain outside the context of the request that kicked it (see JobRunner). */
  private readonly detached = AsyncResource.bind((work: () => Promise<void>) => work());

  constructor(
    private readonly config: AggregatorConfig,
    private readonly dataSource: DataSource,
    private readonly uploads: UploadRepository,
    private readonly jobs: JobRunner,
  ) {}

  /** The owner number uploads accepted now are recorded under. */
  get owner(): number {
    return this.jobs.owner;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.kick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.stopped = true;
    await this.draining;
  }

  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.kickedWhileDraining = true;
      return;
    }
    this.draining = this.detached(async () => {
      do {
        this.kickedWhileDraining = false;
        for (const upload of await this.uploads.failOrphans())
          this.logger.warn(`upload #${upload.id} was interrupted (its process stopped): marked failed`);
        for (;;) {
          if (this.stopped) return;
          const upload = await this.uploads.claimNext(this.owner);
          if (!upload) break;
          await this.run(upload);
        }
      } while (this.kickedWhileDraining && !this.stopped);
    })
      .catch((error: Error) => this.logger.error(`cannot take queued uploads: ${error.message}`))
      .finally(() => (this.draining = undefined));
  }

  private async run(upload: Upload): Promise<void> {
    const name = `#${upload.id} (manifest ${upload.manifestUuid}, cluster ${upload.clusterId})`;
    const started = performance.now();
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      const { maxFiles, maxRatio } = this.config.uploads;
      const result = await ingestPackage(
        runner,
        upload,
        { maxFiles, maxRatio },
        this.config.chargeback.timeZone,
      );
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      this.logger.log(
        result.ingestedBefore
          ? `upload ${name}: already ingested by upload #${result.ingestedBefore}, nothing changed`
          : `upload ${name}: ${result.rows} rows, ${result.nodes} nodes, ${result.hours} hours in ${seconds} s`,
      );
    } catch (error) {
      const message = (error as Error).message;
      this.logger.error(`upload ${name} failed: ${message}`);
      await this.uploads.markFailed(upload.id, message);
    } finally {
      await runner.release();
      await rm(upload.spoolFile, { force: true });
    }
  }
}
