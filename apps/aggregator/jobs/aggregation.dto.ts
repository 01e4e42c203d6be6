import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { FromDecimalString, INT32_MAX } from '@vcc/platform';
import { IsCalendarDay, IsCalendarMonth, OnlyForType } from '../common/calendar.validators';
import {
  AGGREGATION_TYPES,
  JOB_STATES,
  JOB_TYPES,
  type AggregationType,
  type Job,
  type JobState,
  type JobType,
} from './job';

export class AggregationRequestDto {
  @ApiProperty({ enum: AGGREGATION_TYPES })
  @IsIn(AGGREGATION_TYPES)
  type: AggregationType;

  @ApiPropertyOptional({
    description: 'the day to aggregate (type daily), YYYY-MM-DD in chargeback.timeZone',
  })
  @ValidateIf((request: AggregationRequestDto) => request.type === 'daily' || request.date !== undefined)
  @IsCalendarDay()
  @OnlyForType('daily')
  date?: string;

  @ApiPropertyOptional({
    description: 'the month to aggregate (type monthly), YYYY-MM in chargeback.timeZone',
  })
  @ValidateIf((request: AggregationRequestDto) => request.type === 'monthly' || request.month !== undefined)
  @IsCalendarMonth()
  @OnlyForType('monthly')
  month?: string;

  @ApiPropertyOptional({ description: 'one vCenter, by catalogue name or id; all when left out' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  vcenter?: string;
}

export class JobListQuery {
  @ApiPropertyOptional({ enum: JOB_TYPES })
  @IsOptional()
  @IsIn(JOB_TYPES)
  type?: JobType;

  @ApiPropertyOptional({ enum: JOB_STATES })
  @IsOptional()
  @IsIn(JOB_STATES)
  state?: JobState;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @FromDecimalString()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 100;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @FromDecimalString()
  @IsInt()
  @Min(0)
  @Max(INT32_MAX)
  offset = 0;
}

export class JobIdParam {
  @ApiProperty({ description: 'job id' })
  @Matches(/^[1-9]\d{0,17}$/, { message: 'id must be a job id (a positive integer)' })
  id: string;
}

export class JobView {
  @ApiProperty()
  id: string;

  @ApiProperty({ enum: JOB_TYPES })
  type: string;

  @ApiProperty({
    description:
      'YYYY-MM-DD (daily; retention: the day it was asked), YYYY-MM (monthly), first..last (backfill), the day or month reported (report)',
  })
  period: string;

  @ApiProperty({ format: 'uuid', nullable: true, description: 'null: every vCenter' })
  vcenterId: string | null;

  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'failed'] })
  state: string;

  @ApiProperty({ description: 'the token name, or schedule, catch-up, retention or backfill' })
  requestedBy: string;

  @ApiProperty({
    nullable: true,
    description:
      'summary rows written (daily, monthly, backfill), VMs in the report (report) or rows and reports deleted (retention)',
  })
  rows: number | null;

  @ApiProperty({ nullable: true })
  error: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', nullable: true, description: 'when it got its lock and began' })
  startedAt: string | null;

  @ApiProperty({ format: 'date-time', nullable: true })
  finishedAt: string | null;
}

export function jobView(job: Job): JobView {
  return {
    ...job,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}
