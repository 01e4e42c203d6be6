import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { createReadStream } from 'node:fs';
import { Roles, type AuthenticatedRequest } from '@vcc/auth';
import type { Page } from '../common/table';
import { JobView } from '../jobs/aggregation.dto';
import { JobsService } from '../jobs/jobs.service';
import { ReportStore, XLSX_TYPE } from './report-store';
import {
  ReportListQuery,
  ReportNameParam,
  ReportRequestDto,
  reportView,
  type ReportView,
} from './reports.dto';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1/reports')
export class ReportsController {
  constructor(
    private readonly store: ReportStore,
    private readonly jobs: JobsService,
  ) {}

  @Post()
  @Roles('admin')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: JobView,
    description: 'a report job, queued (or the same one already waiting); poll GET /api/v1/aggregations/{id}',
  })
  request(@Body() body: ReportRequestDto, @Req() request: AuthenticatedRequest): Promise<JobView> {
    return this.jobs.requestReport(body, request.principal!.name);
  }

  @Get()
  @Roles('admin', 'reader')
  @ApiOkResponse({ description: 'reports newest first: { items, limit, offset, nextOffset }' })
  async list(@Query() query: ReportListQuery): Promise<Page<ReportView>> {
    const result = await this.store.list(query);
    return { ...result, items: result.items.map(reportView) };
  }

  @Get(':name')
  @Roles('admin', 'reader')
  @ApiProduces(XLSX_TYPE)
  @ApiOkResponse({ description: 'the XLSX file' })
  async download(@Param() { name }: ReportNameParam): Promise<StreamableFile> {
    const file = await this.store.file(name);
    return new StreamableFile(createReadStream(file.path), {
      type: XLSX_TYPE,
      disposition: `attachment; filename="${name}"`,
      length: file.size,
    });
  }
}
