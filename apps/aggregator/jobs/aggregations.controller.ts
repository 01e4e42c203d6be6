import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles, type AuthenticatedRequest } from '@vcc/auth';
import type { Page } from '../common/table';
import { AggregationRequestDto, JobIdParam, JobListQuery, JobView } from './aggregation.dto';
import { JobsService } from './jobs.service';

@ApiTags('jobs')
@ApiBearerAuth()
@Controller('api/v1')
export class AggregationsController {
  constructor(private readonly jobs: JobsService) {}

  @Post('aggregations')
  @Roles('admin')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: JobView,
    description: 'queued (or the same job already waiting); poll GET /api/v1/aggregations/{id}',
  })
  aggregate(@Body() body: AggregationRequestDto, @Req() request: AuthenticatedRequest): Promise<JobView> {
    return this.jobs.requestAggregation(body, request.principal!.name);
  }

  @Get('aggregations')
  @Roles('admin', 'reader')
  @ApiOkResponse({ description: 'jobs of every type, newest first: { items, limit, offset, nextOffset }' })
  list(@Query() query: JobListQuery): Promise<Page<JobView>> {
    return this.jobs.list(query);
  }

  @Get('aggregations/:id')
  @Roles('admin', 'reader')
  @ApiOkResponse({ type: JobView, description: 'any job: daily, monthly, retention or backfill' })
  get(@Param() { id }: JobIdParam): Promise<JobView> {
    return this.jobs.get(id);
  }

  @Post('retention')
  @Roles('admin')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: JobView,
    description: 'a retention job, queued; poll GET /api/v1/aggregations/{id}',
  })
  retention(@Req() request: AuthenticatedRequest): Promise<JobView> {
    return this.jobs.requestRetention(request.principal!.name);
  }
}
