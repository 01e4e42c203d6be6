import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AuthModule } from '@vcc/auth';
import type { AggregatorConfig } from '@vcc/config';
import { DatabaseModule } from '@vcc/database';
import { VcenterRepository } from './common/vcenter.repository';
import { AggregationCron } from './jobs/aggregation.cron';
import { AggregationsController } from './jobs/aggregations.controller';
import { JobRepository } from './jobs/job.repository';
import { JobRunner } from './jobs/job-runner';
import { JobsService } from './jobs/jobs.service';
import { AggregatorMetrics } from './observability/aggregator.metrics';
import { ClusterStatusClient } from './pages/cluster-status.client';
import { PageSession } from './pages/page-session';
import { PagesController } from './pages/pages.controller';
import { PagesRepository } from './pages/pages.repository';
import { PagesService } from './pages/pages.service';
import { ChargebackQueryService } from './query/chargeback-query.service';
import { ChargebackController } from './query/chargeback.controller';
import { SummaryRepository } from './query/summary.repository';
import { ReportStore } from './reports/report-store';
import { ReportWriter } from './reports/report-writer';
import { ReportsController } from './reports/reports.controller';
import { RetentionRepository } from './retention/retention.repository';
import { NodeSummaryRepository } from './nodes/node-summary.repository';
import { NodesController } from './nodes/nodes.controller';
import { UploadRepository } from './uploads/upload.repository';
import { UploadRunner } from './uploads/upload-runner';
import { UploadsController } from './uploads/uploads.controller';
import { UploadsService } from './uploads/uploads.service';

/**
 * The aggregator: jobs (chargeback aggregation, reports, retention), the chargeback query and report
 * APIs, the pages, and node packages (uploads and the daily core counts per node).
 */
@Module({})
export class AggregatorModule {
  static forRoot(config: AggregatorConfig): DynamicModule {
    return {
      module: AggregatorModule,
      imports: [
        DatabaseModule.forRoot(config.database),
        AuthModule.forRoot(config.auth),
        ScheduleModule.forRoot(),
      ],
      controllers: [
        AggregationsController,
        ChargebackController,
        ReportsController,
        PagesController,
        UploadsController,
        NodesController,
      ],
      providers: [
        AggregatorMetrics,
        VcenterRepository,
        JobRepository,
        RetentionRepository,
        JobRunner,
        JobsService,
        AggregationCron,
        SummaryRepository,
        ChargebackQueryService,
        ReportStore,
        ReportWriter,
        PageSession,
        PagesRepository,
        PagesService,
        ClusterStatusClient,
        UploadRepository,
        UploadRunner,
        UploadsService,
        NodeSummaryRepository,
      ],
    };
  }
}
