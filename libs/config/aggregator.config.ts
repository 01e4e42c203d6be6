import { Type } from 'class-transformer';
import { validateCronExpression } from 'cron';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  registerDecorator,
} from 'class-validator';
import { BaseAppConfig } from './base-app.config';
import { ChargebackConfig } from './chargeback.config';
import { Doc, Secret } from './config-key.decorator';
import { AuthConfig, DatabaseConfig, HttpConfig } from './sections';
import { UploadsConfig } from './uploads.config';

class AggregatorHttpConfig extends HttpConfig {
  override port = 8082;
}

/** A cron expression as @nestjs/schedule reads it: five fields, or six with seconds first. */
function IsCron(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCron',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: '$property must be a cron expression, e.g. "30 0 * * *" (minute hour day month weekday)',
      },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && validateCronExpression(value).valid,
      },
    });
}

/** When the aggregator's jobs run, as cron expressions in chargeback.timeZone. */
export class ScheduleConfig {
  @Doc(
    'run the scheduled jobs and the catch-up at start on this instance (off: the instance only serves the API and runs jobs asked for through it)',
  )
  @IsBoolean()
  enabled = true;

  @Doc(
    "cron of the daily job in chargeback.timeZone: aggregates yesterday, and every earlier day whose complete snapshots are not aggregated yet; after midnight, once the last hour's snapshot has arrived",
  )
  @IsCron()
  dailyCron = '30 0 * * *';

  @Doc('cron of the monthly job in chargeback.timeZone: aggregates last month from its daily summaries')
  @IsCron()
  monthlyCron = '0 2 1 * *';

  @Doc(
    'cron of the retention job in chargeback.timeZone: drops expired partitions and rows (see retention.*)',
  )
  @IsCron()
  retentionCron = '0 3 * * *';
}

export class RetentionConfig {
  @Doc(
    'days of hourly snapshots kept (inventory_vm, inventory_host and the snapshot registry); a monthly partition is dropped once all of it is older',
  )
  @IsInt()
  @Min(1)
  @Max(3650)
  hourlyDays = 60;

  @Doc('months of daily summaries kept, after the current one; monthly summaries are kept for ever')
  @IsInt()
  @Min(1)
  @Max(120)
  dailyMonths = 12;

  @Doc(
    'days of vCenter events kept: 90 covers the previous whole month (its exact presence needs its lifecycle events to be regenerated) and the controller ingest window',
  )
  @IsInt()
  @Min(1)
  @Max(3650)
  eventDays = 90;
}

/** XLSX chargeback reports: where they are written and how many are kept. */
export class ReportsConfig {
  @Doc(
    'folder of the XLSX chargeback reports (created when missing); every file in it named like a report is listed by GET /api/v1/reports',
  )
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  dir = './data/reports';

  @Doc(
    'write the report of a day or month after each daily and monthly job (not after a backfill); off: only on demand, POST /api/v1/reports',
  )
  @IsBoolean()
  afterJobs = true;

  @Doc(
    'reports kept, newest first; older ones are deleted after each report written and by the retention job',
  )
  @IsInt()
  @Min(1)
  @Max(100_000)
  keep = 500;

  @Doc('days a report is kept after it was written; older ones are deleted like those beyond reports.keep')
  @IsInt()
  @Min(1)
  @Max(3650)
  maxAgeDays = 400;
}

/** The HTML pages under /pages: their login session and where the cluster page reads from. */
export class PagesConfig {
  @Doc(
    'base URL of the controller whose GET /api/v1/cluster/status the cluster page shows, e.g. http://controller:8080; unset: the page says it is not configured',
  )
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  controllerUrl?: string;

  @Doc('bearer token with the reader role on that controller (prefer controllerTokenFile)')
  @Secret()
  @IsOptional()
  @IsString()
  @MinLength(1)
  controllerToken?: string;

  @Doc(
    'secret that signs the login session cookie, at least 32 characters; unset: a random one per start, so a restart logs everyone out (and replicas behind one address need the same secret)',
  )
  @Secret()
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters (generate one with: openssl rand -base64 32)' })
  sessionSecret?: string;

  @Doc('hours a login session lasts')
  @IsInt()
  @Min(1)
  @Max(720)
  sessionHours = 12;
}

export class AggregatorConfig extends BaseAppConfig {
  @Type(() => AggregatorHttpConfig)
  @ValidateNested()
  http = new AggregatorHttpConfig();

  @Type(() => DatabaseConfig)
  @ValidateNested()
  database = new DatabaseConfig();

  @Type(() => ChargebackConfig)
  @ValidateNested()
  chargeback = new ChargebackConfig();

  @Type(() => AuthConfig)
  @ValidateNested()
  auth = new AuthConfig();

  @Type(() => ScheduleConfig)
  @ValidateNested()
  schedule = new ScheduleConfig();

  @Type(() => RetentionConfig)
  @ValidateNested()
  retention = new RetentionConfig();

  @Type(() => ReportsConfig)
  @ValidateNested()
  reports = new ReportsConfig();
  @Type(() => PagesConfig)
  @ValidateNested()
  pages = new PagesConfig();
  @Type(() => UploadsConfig)
  @ValidateNested()
  uploads = new UploadsConfig();
}
