import { Injectable } from '@nestjs/common';
import { AggregatorConfig } from '@vcc/config';
import { notFound } from '@vcc/platform';
import { VcenterRepository } from '../common/vcenter.repository';
import { page, type Page } from '../common/table';
import { AggregationRequestDto, jobView, type JobListQuery, type JobView } from './aggregation.dto';
import { currentDay } from './job';
import { JobRepository } from './job.repository';
import { JobRunner } from './job-runner';

/** Jobs asked for through the API: queued, then run by this process's runner (or another replica's). */
@Injectable()
export class JobsService {
  constructor(
    private readonly config: AggregatorConfig,
    private readonly jobs: JobRepository,
    private readonly runner: JobRunner,
    private readonly vcenters: VcenterRepository,
  ) {}

  async requestAggregation(request: AggregationRequestDto, tokenName: string): Promise<JobView> {
    const job = await this.jobs.enqueue({
      type: request.type,
      period: (request.type === 'daily' ? request.date : request.month)!,
      vcenterId: await this.vcenters.resolve('vcenter', request.vcenter),
      requestedBy: tokenName,
    });
    this.runner.kick();
    return jobView(job);
  }

  async requestReport(request: { period: string; vcenter?: string }, tokenName: string): Promise<JobView> {
    const job = await this.jobs.enqueue({
      type: 'report',
      period: request.period,
      vcenterId: await this.vcenters.resolve('vcenter', request.vcenter),
      requestedBy: tokenName,
    });
    this.runner.kick();
    return jobView(job);
  }

  async requestRetention(tokenName: string): Promise<JobView> {
    const job = await this.jobs.enqueue({
      type: 'retention',
      period: currentDay(new Date(), this.config.chargeback.timeZone),
      requestedBy: tokenName,
    });
    this.runner.kick();
    return jobView(job);
  }

  async list(query: JobListQuery): Promise<Page<JobView>> {
    const jobs = await this.jobs.list(query, query.limit, query.offset);
    return page(jobs.map(jobView), query.limit, query.offset);
  }

  async get(id: string): Promise<JobView> {
    const job = await this.jobs.find(id);
    if (!job) throw notFound('id', `no job has id ${id}`);
    return jobView(job);
  }
}
