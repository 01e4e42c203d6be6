import { accessSync, constants, statSync } from 'node:fs';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { BaseAppConfig } from './base-app.config';
import { Doc, Secret } from './config-key.decorator';
import { AuthConfig, DatabaseConfig, HttpConfig } from './sections';
import { IsRealtimeInterval } from './time-scale';
import type { VcenterCounters, VcenterFilters } from '@vcc/contract';

/**
 * Limits of a vCenter catalogue entry, shared by the config file import and the REST API so that
 * both accept the same values.
 */
export const VCENTER_RULES = {
  name: /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
  nameMessage:
    'must be 1 to 100 letters, digits, dots, dashes or underscores, starting with a letter or digit',
  /** `group.name.rollup`, as vCenter's PerformanceManager names counters. */
  counter: /^[A-Za-z]+\.[A-Za-z0-9]+\.(average|summation|latest|maximum|minimum|none)$/,
  counterMessage: 'each counter must be group.name.rollup, e.g. cpu.usage.average',
  /** Credentials never go in the URL: readers see sdkUrl, and the password is stored encrypted. */
  sdkUrl: {
    require_tld: false,
    protocols: ['http', 'https'],
    require_protocol: true,
    disallow_auth: true,
  } as NonNullable<Parameters<typeof IsUrl>[0]>,
  sdkUrlMessage: 'must be an http(s) URL without user:password@',
  maxCounters: 200,
  maxFilters: 100,
  maxFilterLength: 512,
  /** A realtime cycle is a whole number of samples (IsRealtimeInterval), up to an hour. */
  realtimeMaxSeconds: 3600,
  /** vCenter's finest historical rollup is 300 s. */
  historicalStepSeconds: 300,
  historicalMaxSeconds: 86_400,
  maxRequestBudget: 1000,
  defaultRealtimeIntervalSeconds: 60,
  defaultHistoricalIntervalSeconds: 300,
  defaultRequestBudget: 8,
} as const;

/** A number that is a whole multiple of `step` (cycle intervals are whole numbers of samples). */
export function IsMultipleOf(step: number, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isMultipleOf',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `$property must be a multiple of ${step}`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'number' && value % step === 0 },
    });
}

/**
 * A regular file this process can read, checked with the rest of the configuration so that a
 * missing file stops the app before it touches the database.
 */
function IsReadableFile(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isReadableFile',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: 'must name a readable regular file' },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          try {
            accessSync(value, constants.R_OK);
            return statSync(value).isFile();
          } catch {
            return false;
          }
        },
      },
    });
}

/** Two keys that say the same thing in two ways: only one of them may be set. */
function IsAbsentWith(other: string): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isAbsentWith',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `give ${other} or ${String(propertyName)}, not both` },
      validator: {
        validate: (_value: unknown, args) => (args?.object as Record<string, unknown>)[other] === undefined,
      },
    });
}

/** 32 random bytes in base64: an AES-256 key. */
function IsAes256Key(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isAes256Key',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: 'must be 32 bytes encoded in base64 (generate one with: openssl rand -base64 32)' },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          /^[A-Za-z0-9+/]{43}=$/.test(value.trim()) &&
          Buffer.from(value.trim(), 'base64').length === 32,
      },
    });
}

class ControllerHttpConfig extends HttpConfig {
  override port = 8080;
}

export class SecretsConfig {
  @Doc(
    'key that encrypts vCenter passwords at rest (AES-256-GCM): 32 random bytes in base64, from openssl rand -base64 32 (required; prefer encryptionKeyFile)',
  )
  @Secret()
  @IsAes256Key()
  encryptionKey: string;
}

export class MembershipConfig {
  @Doc("seconds between a collector's heartbeats, told to collectors at registration")
  @IsInt()
  @Min(1)
  @Max(300)
  heartbeatIntervalSeconds = 10;

  @Doc(
    'heartbeats a collector may miss before its lease expires and its groups move (lease TTL = interval x this)',
  )
  @IsInt()
  @Min(1)
  @Max(100)
  missedHeartbeats = 3;

  @Doc('seconds between checks for expired leases and finished drains (every replica runs them, under locks)')
  @IsInt()
  @Min(1)
  @Max(3600)
  reaperIntervalSeconds = 5;

  @Doc(
    'seconds added to one heartbeat interval when choosing the cycle boundary at which a new epoch takes effect, so that every member hears of it first',
  )
  @IsInt()
  @Min(0)
  @Max(300)
  boundaryMarginSeconds = 5;

  @Doc(
    'valid registrations accepted per collector token and client address per minute; more get 429 with Retry-After',
  )
  @IsInt()
  @Min(1)
  registerLimitPerMinute = 60;
}

export class IngestConfig {
  @Doc(
    'largest request body in bytes on POST /api/v1/inventory/snapshots and /api/v1/events (a shard of 20,000 VMs is about 11 MB of JSON)',
  )
  @IsInt()
  @Min(1024)
  bodyLimitBytes = 33_554_432;

  @Doc('months after the current one whose snapshot and event partitions are created at start')
  @IsInt()
  @Min(0)
  @Max(24)
  partitionMonthsAhead = 2;

  @Doc(
    'days before now that collectors may post event and snapshot times for; older history goes through the admin backfill route (POST /api/v1/events/backfill)',
  )
  @IsInt()
  @Min(1)
  @Max(3650)
  windowPastDays = 35;

  @Doc('minutes after now that collectors may post event and snapshot times for (clock skew)')
  @IsInt()
  @Min(0)
  @Max(1440)
  windowFutureMinutes = 15;

  @Doc(
    "how far a collector's event key may be ahead of the vCenter's stored last key; a batch with a key further ahead is refused and logged, since the event tail resumes after the highest key",
  )
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  maxEventKeyAdvance = 1_000_000;
}

export class ControllerEventsConfig {
  @Doc(
    'seconds between heartbeat lines on an idle event watch (GET /api/v1/events?watch=true), which keep proxies and clients from timing the stream out',
  )
  @IsInt()
  @Min(1)
  @Max(3600)
  heartbeatSeconds = 15;
}

export class VcenterTlsConfig {
  @IsBoolean()
  insecure = false;

  @IsOptional()
  @IsString()
  @MinLength(1)
  caFile?: string;
}

export class VcenterCountersConfig implements Partial<VcenterCounters> {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(VCENTER_RULES.maxCounters)
  @Matches(VCENTER_RULES.counter, { each: true, message: VCENTER_RULES.counterMessage })
  vm?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(VCENTER_RULES.maxCounters)
  @Matches(VCENTER_RULES.counter, { each: true, message: VCENTER_RULES.counterMessage })
  host?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(VCENTER_RULES.maxCounters)
  @Matches(VCENTER_RULES.counter, { each: true, message: VCENTER_RULES.counterMessage })
  cluster?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(VCENTER_RULES.maxCounters)
  @Matches(VCENTER_RULES.counter, { each: true, message: VCENTER_RULES.counterMessage })
  datastore?: string[];
}

export class VcenterFiltersConfig implements VcenterFilters {
  @IsArray()
  @ArrayMaxSize(VCENTER_RULES.maxFilters)
  @IsString({ each: true })
  @MaxLength(VCENTER_RULES.maxFilterLength, { each: true })
  include: string[] = [];

  @IsArray()
  @ArrayMaxSize(VCENTER_RULES.maxFilters)
  @IsString({ each: true })
  @MaxLength(VCENTER_RULES.maxFilterLength, { each: true })
  exclude: string[] = [];
}

/**
 * A vCenter listed in the config file, imported into the catalogue at start. List elements do not
 * get the loader's `<key>File` indirection, so the password file is a key of its own.
 */
export class VcenterImportConfig {
  @Matches(VCENTER_RULES.name, { message: VCENTER_RULES.nameMessage })
  name: string;

  @IsUrl(VCENTER_RULES.sdkUrl, { message: VCENTER_RULES.sdkUrlMessage })
  sdkUrl: string;

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  username: string;

  @Secret()
  @ValidateIf((entry: VcenterImportConfig) => entry.passwordFile === undefined)
  @Matches(/^.{1,1024}$/s, { message: 'must be 1 to 1024 characters (or set passwordFile)' })
  password?: string;

  @IsOptional()
  @IsString()
  @IsReadableFile()
  @IsAbsentWith('password')
  passwordFile?: string;

  @Type(() => VcenterTlsConfig)
  @ValidateNested()
  tls = new VcenterTlsConfig();

  @IsBoolean()
  enabled = true;

  @IsInt()
  @IsRealtimeInterval(VCENTER_RULES.realtimeMaxSeconds)
  realtimeIntervalSeconds: number = VCENTER_RULES.defaultRealtimeIntervalSeconds;

  @IsInt()
  @Min(VCENTER_RULES.historicalStepSeconds)
  @Max(VCENTER_RULES.historicalMaxSeconds)
  @IsMultipleOf(VCENTER_RULES.historicalStepSeconds)
  historicalIntervalSeconds: number = VCENTER_RULES.defaultHistoricalIntervalSeconds;

  @Type(() => VcenterCountersConfig)
  @ValidateNested()
  counters = new VcenterCountersConfig();

  @Type(() => VcenterFiltersConfig)
  @ValidateNested()
  filters = new VcenterFiltersConfig();

  @IsInt()
  @Min(1)
  @Max(VCENTER_RULES.maxRequestBudget)
  requestBudget: number = VCENTER_RULES.defaultRequestBudget;
}

export class ControllerConfig extends BaseAppConfig {
  @Type(() => ControllerHttpConfig)
  @ValidateNested()
  http = new ControllerHttpConfig();

  @Type(() => DatabaseConfig)
  @ValidateNested()
  database = new DatabaseConfig();

  @Type(() => AuthConfig)
  @ValidateNested()
  auth = new AuthConfig();

  @Type(() => SecretsConfig)
  @ValidateNested()
  secrets = new SecretsConfig();

  @Type(() => MembershipConfig)
  @ValidateNested()
  membership = new MembershipConfig();

  @Type(() => IngestConfig)
  @ValidateNested()
  ingest = new IngestConfig();

  @Type(() => ControllerEventsConfig)
  @ValidateNested()
  events = new ControllerEventsConfig();

  @Doc(
    'vCenters imported into the catalogue at start, created or updated by name: a list of {name, sdkUrl, username, password or passwordFile, tls: {insecure, caFile}, enabled, realtimeIntervalSeconds, historicalIntervalSeconds, counters, filters, requestBudget}',
  )
  @Secret()
  @IsArray()
  @Type(() => VcenterImportConfig)
  @ValidateNested({ each: true })
  vcenters: VcenterImportConfig[] = [];
}
