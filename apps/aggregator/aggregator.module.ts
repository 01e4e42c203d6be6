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

/** The aggregator: jobs (chargeback aggregation, reports, retention), the chargeback query and report APIs, and the pages. */
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
      controllers: [AggregationsController, ChargebackController, ReportsController, PagesController],
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
      ],
    };
  }
}
