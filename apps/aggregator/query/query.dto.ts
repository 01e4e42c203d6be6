import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { CHARGEBACK_POOLS } from '@vcc/config';
import { FromDecimalString, INT32_MAX } from '@vcc/platform';
import { IsCalendarDay, IsCalendarMonth } from '../common/calendar.validators';

/** Largest page: big enough for a spreadsheet export in a few requests, small enough to hold in memory. */
export const MAX_PAGE_ROWS = 10_000;
export const DEFAULT_PAGE_ROWS = 100;

export const POOL_FILTERS = [...CHARGEBACK_POOLS, 'none'] as const;

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_ROWS, default: DEFAULT_PAGE_ROWS })
  @IsOptional()
  @FromDecimalString()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_ROWS)
  limit: number = DEFAULT_PAGE_ROWS;

  @ApiPropertyOptional({
    minimum: 0,
    default: 0,
    description: 'rows to skip (the nextOffset of the previous page)',
  })
  @IsOptional()
  @FromDecimalString()
  @IsInt()
  @Min(0)
  @Max(INT32_MAX)
  offset = 0;
}

const text = (description: string): PropertyDecorator => {
  const decorators = [
    ApiPropertyOptional({ description }),
    IsOptional(),
    IsString(),
    MinLength(1),
    MaxLength(256),
  ];
  return (target, key) => decorators.forEach((decorator) => decorator(target, key));
};

export class SummaryFilterQuery extends PageQuery {
  @text('vCenter, by catalogue name or id')
  vcenter?: string;

  @text('cluster name (any case)')
  cluster?: string;

  @text('VM folder path: that folder and the folders under it, e.g. tenant-a or tenant-a/prod')
  folder?: string;

  @ApiPropertyOptional({ enum: POOL_FILTERS, description: 'chargeback pool (none: no pool matched)' })
  @IsOptional()
  @IsIn(POOL_FILTERS)
  pool?: (typeof POOL_FILTERS)[number];

  @text('VM name contains this (any case)')
  name?: string;
}

export class DailySummaryQuery extends SummaryFilterQuery {
  @ApiProperty({ description: 'YYYY-MM-DD in chargeback.timeZone' })
  @IsCalendarDay()
  day: string;
}

export class MonthlySummaryQuery extends SummaryFilterQuery {
  @ApiProperty({ description: 'YYYY-MM in chargeback.timeZone' })
  @IsCalendarMonth()
  month: string;
}

export const TRACE_VIEWS = ['hourly', 'daily'] as const;

export class VmTraceQuery extends PageQuery {
  @ApiPropertyOptional({ enum: TRACE_VIEWS, default: 'hourly' })
  @IsOptional()
  @IsIn(TRACE_VIEWS)
  view: (typeof TRACE_VIEWS)[number] = 'hourly';

  @text('vCenter, by catalogue name or id; required with moref')
  vcenter?: string;

  @text('managed object id of the VM (e.g. vm-42); give it with vcenter, or give name')
  moref?: string;

  @text('exact VM name (any case), instead of vcenter and moref')
  name?: string;

  @ApiProperty({ description: 'first day, YYYY-MM-DD in chargeback.timeZone' })
  @IsCalendarDay()
  from: string;

  @ApiProperty({ description: 'last day (included), YYYY-MM-DD in chargeback.timeZone' })
  @IsCalendarDay()
  to: string;
}

export const TOTALS_KINDS = ['hourly', 'daily', 'monthly'] as const;

/** Hourly totals are served for this many days back; older history is in daily and monthly ones. */
export const HOURLY_TOTALS_DAYS = 45;

export class TotalsQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: TOTALS_KINDS,
    default: 'daily',
    description: `hourly: only the last ${HOURLY_TOTALS_DAYS} days`,
  })
  @IsOptional()
  @IsIn(TOTALS_KINDS)
  granularity: (typeof TOTALS_KINDS)[number] = 'daily';

  @text('vCenter, by catalogue name or id; all when left out')
  vcenter?: string;

  @ApiProperty({ description: 'first day, YYYY-MM-DD in chargeback.timeZone' })
  @IsCalendarDay()
  from: string;

  @ApiProperty({ description: 'last day (included), YYYY-MM-DD in chargeback.timeZone' })
  @IsCalendarDay()
  to: string;
}
