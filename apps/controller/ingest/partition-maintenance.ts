import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ControllerConfig } from '@vcc/config';
import { PARTITIONED_TABLES, PartitionRepository } from './partition.repository';

/** At start, creates the partitions of the current month and `ingest.partitionMonthsAhead` after it. */
@Injectable()
export class PartitionMaintenance implements OnModuleInit {
  private readonly logger = new Logger('Partitions');

  constructor(
    private readonly config: ControllerConfig,
    private readonly partitions: PartitionRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    const now = new Date();
    const months = Array.from(
      { length: this.config.ingest.partitionMonthsAhead + 1 },
      (_, ahead) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + ahead, 1)),
    );
    for (const table of PARTITIONED_TABLES) await this.partitions.ensureMonths(table, months, now);
    this.logger.log(
      `monthly partitions ready for ${PARTITIONED_TABLES.join(', ')} (${months.length} month(s) from now)`,
    );
  }
}
