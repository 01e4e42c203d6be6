import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '@vcc/auth';
import { ChargebackQueryService } from './chargeback-query.service';
import { DailySummaryQuery, MonthlySummaryQuery, TotalsQuery, VmTraceQuery } from './query.dto';
import { COLUMNS } from './summary.repository';
import { toCsv, type Page } from '../common/table';

const PAGE_DESCRIPTION =
  '{ items, limit, offset, nextOffset } (nextOffset null on the last page); with Accept: text/csv the rows as CSV, the next offset in the X-Next-Offset header';

/**
 * JSON, or CSV when the client accepts text/csv (a spreadsheet export), with a file name that
 * says what it holds.
 */
async function respond(
  reply: FastifyReply,
  accept: string | undefined,
  result: Page<Record<string, unknown>>,
  columns: string[],
  fileName: string,
): Promise<Page<Record<string, unknown>> | string> {
  if (!accept?.includes('text/csv')) return result;
  void reply
    .header('Content-Type', 'text/csv; charset=utf-8')
    .header('Content-Disposition', `attachment; filename="${fileName}.csv"`);
  if (result.nextOffset !== null) void reply.header('X-Next-Offset', String(result.nextOffset));
  return toCsv(result.items, columns);
}

@ApiTags('chargeback')
@ApiBearerAuth()
@ApiProduces('application/json', 'text/csv')
@Roles('admin', 'reader')
@Controller('api/v1/chargeback')
export class ChargebackController {
  constructor(private readonly query: ChargebackQueryService) {}

  @Get('daily')
  @ApiOkResponse({ description: `daily summary rows of one day, one per VM; ${PAGE_DESCRIPTION}` })
  async daily(
    @Query() query: DailySummaryQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return respond(
      reply,
      accept,
      await this.query.daily(query),
      COLUMNS.daily,
      `chargeback-daily-${query.day}`,
    );
  }

  @Get('monthly')
  @ApiOkResponse({ description: `monthly summary rows of one month, one per VM; ${PAGE_DESCRIPTION}` })
  async monthly(
    @Query() query: MonthlySummaryQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return respond(
      reply,
      accept,
      await this.query.monthly(query),
      COLUMNS.monthly,
      `chargeback-monthly-${query.month}`,
    );
  }

  @Get('vm-trace')
  @ApiOkResponse({
    description: `one VM over time: its hourly snapshots (view hourly) or daily summaries (view daily); ${PAGE_DESCRIPTION}`,
  })
  async trace(
    @Query() query: VmTraceQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return respond(
      reply,
      accept,
      await this.query.trace(query),
      query.view === 'daily' ? COLUMNS.daily : COLUMNS.hourlyTrace,
      `vm-trace-${query.view}-${query.from}-${query.to}`,
    );
  }

  @Get('totals')
  @ApiOkResponse({
    description: `per-vCenter totals (VMs, vCPU, RAM, disk, per pool, cost) by hour, day or month; ${PAGE_DESCRIPTION}`,
  })
  async totals(
    @Query() query: TotalsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return respond(
      reply,
      accept,
      await this.query.totals(query),
      COLUMNS.totals,
      `totals-${query.granularity}-${query.from}-${query.to}`,
    );
  }
}
