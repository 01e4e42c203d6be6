import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { INT32_MAX } from '@vcc/platform';
import { IsCalendarDay } from '../common/calendar.validators';
import { POOL_FILTERS, TRACE_VIEWS } from '../query/query.dto';
import { REPORT_TYPES, type ReportType } from '../reports/report-store';

/** A GET form sends the fields left empty as `name=`: they mean "not set". */
const EmptyIsUnset = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value));

const text = (): PropertyDecorator => {
  const decorators = [EmptyIsUnset(), IsOptional(), IsString(), MinLength(1), MaxLength(256)];
  return (target, key) => decorators.forEach((decorator) => decorator(target, key));
};

const day = (): PropertyDecorator => {
  const decorators = [EmptyIsUnset(), IsOptional(), IsCalendarDay()];
  return (target, key) => decorators.forEach((decorator) => decorator(target, key));
};

export const TOTALS_PAGE_KINDS = ['daily', 'hourly'] as const;

export class TotalsPageQuery {
  @EmptyIsUnset()
  @IsOptional()
  @IsIn(TOTALS_PAGE_KINDS)
  granularity: (typeof TOTALS_PAGE_KINDS)[number] = 'daily';

  @text()
  vcenter?: string;

  @day()
  from?: string;

  @day()
  to?: string;
}

export class DailyPageQuery {
  @day()
  day?: string;

  @text()
  vcenter?: string;

  @text()
  cluster?: string;

  @text()
  folder?: string;

  @EmptyIsUnset()
  @IsOptional()
  @IsIn(POOL_FILTERS)
  pool?: (typeof POOL_FILTERS)[number];

  @text()
  name?: string;

  @EmptyIsUnset()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(INT32_MAX)
  offset = 0;
}

export class ReportsPageQuery {
  @EmptyIsUnset()
  @IsOptional()
  @IsIn(REPORT_TYPES)
  type?: ReportType;

  @EmptyIsUnset()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(INT32_MAX)
  offset = 0;
}

export class VmPageQuery {
  /** Part of a VM's name (any case); one match shows its trace, several a list to pick from. */
  @text()
  name?: string;

  @text()
  vcenter?: string;

  @text()
  moref?: string;

  @EmptyIsUnset()
  @IsOptional()
  @IsIn(TRACE_VIEWS)
  view: (typeof TRACE_VIEWS)[number] = 'daily';

  @day()
  from?: string;

  @day()
  to?: string;
}

/** A path of the pages (after login, go there): never another site, not even `//host`. */
export const PAGE_PATH = /^\/pages(\/[^/\\]*)*(\?.*)?$/;

export class LoginForm {
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  token: string;

  /** Where to go after logging in: a page of this app only, never another site. */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @Matches(PAGE_PATH, { message: 'next must be a path under /pages' })
  next?: string;
}
