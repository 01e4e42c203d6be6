import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsPeriodOfType } from '../common/calendar.validators';
import { PageQuery } from '../query/query.dto';
import { REPORT_NAME, REPORT_TYPES, type ReportInfo, type ReportType } from './report-store';

export class ReportRequestDto {
  @ApiProperty({ enum: REPORT_TYPES })
  @IsIn(REPORT_TYPES)
  type: ReportType;

  @ApiProperty({ description: 'YYYY-MM-DD (type daily) or YYYY-MM (type monthly), in chargeback.timeZone' })
  @IsPeriodOfType()
  period: string;

  @ApiPropertyOptional({ description: 'one vCenter, by catalogue name or id; all when left out' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  vcenter?: string;
}

export class ReportListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: REPORT_TYPES })
  @IsOptional()
  @IsIn(REPORT_TYPES)
  type?: ReportType;

  @ApiPropertyOptional({ description: 'YYYY-MM-DD or YYYY-MM' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}(-\d{2})?$/, { message: 'period must be YYYY-MM-DD or YYYY-MM' })
  period?: string;
}

export class ReportNameParam {
  @ApiProperty({
    description: 'a report name from GET /api/v1/reports, e.g. chargeback-daily-2026-11-28.xlsx',
  })
  @Matches(REPORT_NAME, { message: 'name must be a report name, e.g. chargeback-daily-2026-11-28.xlsx' })
  name: string;
}

export class ReportView {
  @ApiProperty({ description: 'file name, for GET /api/v1/reports/{name}' })
  name: string;

  @ApiProperty({ enum: REPORT_TYPES })
  type: string;

  @ApiProperty({ description: 'YYYY-MM-DD (daily) or YYYY-MM (monthly)' })
  period: string;

  @ApiProperty({ format: 'uuid', nullable: true, description: 'null: every vCenter' })
  vcenterId: string | null;

  @ApiProperty({ nullable: true, description: 'the catalogue name of vcenterId, when it has one' })
  vcenterName: string | null;

  @ApiProperty({ description: 'bytes' })
  size: number;

  @ApiProperty({ format: 'date-time', description: 'when it was written' })
  createdAt: string;
}

export function reportView(report: ReportInfo): ReportView {
  return { ...report, createdAt: report.createdAt.toISOString() };
}
