import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
  registerDecorator,
} from 'class-validator';
import { BaseAppConfig } from './base-app.config';
import { Doc, Secret } from './config-key.decorator';
import { IsPemFile } from './pem-file.validator';
import { HttpConfig } from './sections';
import { MinScaledSeconds } from './time-scale';

class CollectorHttpConfig extends HttpConfig {
  override port = 8081;
}

const HTTP_URL = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

export class ControllerClientConfig {
  @Doc('base URL of the controller, e.g. http://controller:8080 (required unless --once)')
  @IsOptional()
  @IsUrl(HTTP_URL)
  url?: string;

  @Doc('bearer token with the collector role (required unless --once; prefer tokenFile)')
  @Secret()
  @IsOptional()
  @IsString()
  @MinLength(1)
  token?: string;

  @Doc('seconds to wait for the controller before a request counts as failed')
  @IsInt()
  @Min(1)
  timeoutSeconds = 10;

  @Doc(
    'longest wait between two registration attempts after failures or refusals (the wait doubles from 2 s; a longer Retry-After on 429 is honoured)',
  )
  @IsInt()
  @Min(2)
  @Max(3600)
  maxRetryDelaySeconds = 60;

  @Doc(
    "PEM CA bundle that signed the controller's certificate (https URLs); unset trusts the system's CAs only",
  )
  @IsOptional()
  @IsString()
  @IsPemFile('certificate')
  caFile?: string;

  @Doc(
    'accept any certificate from the controller: tokens and vCenter passwords can then be stolen on the way; for tests only',
  )
  @IsBoolean()
  insecure = false;

  @Doc('PEM client certificate shown to a controller that asks for one (its http.tls.clientCaFile)')
  @ValidateIf(
    (client: ControllerClientConfig) => client.certFile !== undefined || client.keyFile !== undefined,
  )
  @IsString({ message: 'is required when keyFile is set' })
  @IsPemFile('certificate')
  certFile?: string;

  @Doc('PEM private key of certFile, unencrypted')
  @ValidateIf(
    (client: ControllerClientConfig) => client.certFile !== undefined || client.keyFile !== undefined,
  )
  @IsString({ message: 'is required when certFile is set' })
  @IsPemFile('private key', 'certFile')
  keyFile?: string;
}

export class MemberConfig {
  @Doc('name this collector registers under; empty uses the host name')
  @ValidateIf((member: MemberConfig) => member.name !== '')
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, {
    message: 'must be 1 to 128 letters, digits, dots, dashes or underscores',
  })
  name = '';

  @Doc('capacity hint: how many group indices (weight) to ask the controller for')
  @IsInt()
  @Min(1)
  @Max(64)
  capacity = 1;

  @Doc('id or name of the vCenter this collector prefers')
  @IsOptional()
  @IsString()
  preferredVcenter?: string;
}

export class PerfConfig {
  @Doc('piscina worker threads that post QueryPerf requests and parse the answers; 0 means one per core')
  @IsInt()
  @Min(0)
  @Max(64)
  threads = 0;

  @Doc(
    'entities per QueryPerf request when vCenter sets no maxQueryMetrics (vCenter 6.5+ caps metrics at 256 by default)',
  )
  @IsInt()
  @Min(1)
  maxEntitiesPerQuery = 256;

  @Doc('in-flight vCenter requests when the controller assigns no budget (--once)')
  @IsInt()
  @Min(1)
  maxInFlight = 4;

  @Doc('pause between starting two QueryPerf requests, to spare a busy vCenter')
  @IsInt()
  @Min(0)
  delayBetweenRequestsMs = 0;

  @Doc(
    'historical intervals looked back every historical cycle, since vCenter posts cluster and datastore rollups late',
  )
  @IsInt()
  @Min(1)
  historicalLookbackIntervals = 3;

  @Doc('per-call timeout for vCenter requests')
  @IsInt()
  @Min(1)
  timeoutSeconds = 60;

  @Doc('how long vCenter keeps realtime samples (1 hour on vCenter); older samples cannot be fetched again')
  @IsInt()
  @MinScaledSeconds(60)
  realtimeRetentionSeconds = 3600;
}

export class InventoryConfig {
  @Doc('seconds between inventory refreshes (also refreshed on every epoch change)')
  @IsInt()
  @Min(10)
  refreshSeconds = 600;

  @Doc('objects per RetrievePropertiesEx page')
  @IsInt()
  @Min(1)
  maxObjects = 1000;
}

export class CollectorEventsConfig {
  @Doc(
    "seconds of vCenter event history read the first time a vCenter's events are tailed (no event stored yet); later the tail continues after the last stored key",
  )
  @IsInt()
  @Min(0)
  @Max(31_536_000)
  streamBeginSeconds = 3600;
}

export class WriteConfig {
  @Doc('lines per sink request')
  @IsInt()
  @Min(1)
  batchLines = 5000;

  @Doc(
    'lines held for sinks at most; when full, watermarks stop advancing and vCenter serves the samples again later',
  )
  @IsInt()
  @Min(1000)
  maxBufferedLines = 500_000;

  @Doc('longest wait between two retries of a failed sink request')
  @IsInt()
  @Min(1)
  maxRetryDelaySeconds = 60;

  @Doc('gzip sink requests')
  @IsBoolean()
  gzip = true;
}

export class CollectorHealthConfig {
  @Doc(
    'realtime cycles that fail in a row (a vCenter call or any QueryPerf failed) before /health answers 503',
  )
  @IsInt()
  @Min(1)
  failedCycles = 2;
}

export const SINK_TYPES = ['influxdb-v2', 'influxdb-v1', 'prometheus', 'file'] as const;
export type SinkType = (typeof SINK_TYPES)[number];
export const LINE_SCHEMAS = ['telegraf', 'vcc'] as const;
export type LineSchemaName = (typeof LINE_SCHEMAS)[number];

/** One sink; the keys that apply depend on `type`. */
export class SinkConfig {
  @IsIn(SINK_TYPES)
  type: SinkType;

  @ValidateIf((sink: SinkConfig) => sink.type === 'influxdb-v2' || sink.type === 'influxdb-v1')
  @IsUrl(HTTP_URL)
  url?: string;

  @ValidateIf((sink: SinkConfig) => sink.type === 'influxdb-v2' && sink.tokenFile === undefined)
  @IsString()
  @MinLength(1, { message: 'token must be set (or tokenFile)' })
  token?: string;

  @IsOptional()
  @IsString()
  tokenFile?: string;

  @ValidateIf((sink: SinkConfig) => sink.type === 'influxdb-v2')
  @IsString()
  @MinLength(1)
  org?: string;

  @ValidateIf((sink: SinkConfig) => sink.type === 'influxdb-v2')
  @IsString()
  @MinLength(1)
  bucket?: string;

  @ValidateIf((sink: SinkConfig) => sink.type === 'influxdb-v1')
  @IsString()
  @MinLength(1)
  database?: string;

  @IsOptional()
  @IsString()
  retentionPolicy?: string;

  @IsOptional()
  @IsString()
  username?: string;

  @IsOptional()
  @IsString()
  password?: string;

  @IsOptional()
  @IsString()
  passwordFile?: string;

  @ValidateIf((sink: SinkConfig) => sink.type === 'file')
  @IsString()
  @MinLength(1)
  path?: string;

  @IsOptional()
  @IsInt()
  @Min(1024)
  maxBytes?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  maxFiles?: number;

  @IsOptional()
  @IsIn(LINE_SCHEMAS)
  schema?: LineSchemaName = 'telegraf';
}

/** What --once collects from, when there is no controller to say. */
export class OnceConfig {
  @Doc('vCenter SDK URL for --once, e.g. https://vcenter.example.com/sdk')
  @IsOptional()
  @IsUrl(HTTP_URL)
  url?: string;

  @Doc('vCenter user for --once')
  @IsOptional()
  @IsString()
  username?: string;

  @Doc('vCenter password for --once (prefer passwordFile or VCC_ONCE_PASSWORD_FILE)')
  @Secret()
  @IsOptional()
  @IsString()
  password?: string;

  @Doc('skip TLS verification of the vCenter for --once')
  @IsBoolean()
  insecure = false;

  @Doc('PEM file of the CA of the vCenter certificate for --once')
  @IsOptional()
  @IsString()
  caFile?: string;

  @Doc('name written in the vcenter tag for --once')
  @IsString()
  name = 'vcenter';

  @Doc('realtime window for --once, in seconds of samples back from now')
  @IsInt()
  @Min(20)
  windowSeconds = 60;

  @Doc(
    'seconds --once may take in all: a slow sink slows it down (requests wait for room in the write buffer) until then, and lines still unwritten then make it fail',
  )
  @IsInt()
  @Min(10)
  deadlineSeconds = 300;

  @Doc('counters (group.name.rollup) per kind for --once; empty uses the default set')
  @IsOptional()
  @IsString({ each: true })
  vmCounters?: string[];

  @IsOptional()
  @IsString({ each: true })
  hostCounters?: string[];

  @IsOptional()
  @IsString({ each: true })
  clusterCounters?: string[];

  @IsOptional()
  @IsString({ each: true })
  datastoreCounters?: string[];
}

/**
 * One schema for all sinks: the workers write each sample's line once, for every sink (a second
 * schema would mean parsing every answer twice, or writing every line twice).
 */
function OneSchema(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'oneSchema',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: 'must all have the same schema: lines are written once for every sink' },
      validator: {
        validate: (value: unknown) =>
          !Array.isArray(value) ||
          new Set(value.map((sink) => (sink as { schema?: unknown } | null)?.schema ?? 'telegraf')).size <= 1,
      },
    });
}

/**
 * At most one Prometheus sink: every one would serve the same series on the collector's one
 * /metrics, and prom-client refuses to register them twice (the app would stop at start with its
 * error instead of this one).
 */
function AtMostOnePrometheusSink(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'atMostOnePrometheusSink',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: "may hold one prometheus sink at most: it is served on the collector's /metrics" },
      validator: {
        validate: (value: unknown) =>
          !Array.isArray(value) ||
          value.filter((sink) => (sink as { type?: unknown } | null)?.type === 'prometheus').length <= 1,
      },
    });
}

export class CollectorConfig extends BaseAppConfig {
  @Type(() => CollectorHttpConfig)
  @ValidateNested()
  http = new CollectorHttpConfig();

  @Type(() => ControllerClientConfig)
  @ValidateNested()
  controller = new ControllerClientConfig();

  @Type(() => MemberConfig)
  @ValidateNested()
  member = new MemberConfig();

  @Type(() => PerfConfig)
  @ValidateNested()
  perf = new PerfConfig();

  @Type(() => InventoryConfig)
  @ValidateNested()
  inventory = new InventoryConfig();

  @Type(() => WriteConfig)
  @ValidateNested()
  write = new WriteConfig();

  @Type(() => CollectorEventsConfig)
  @ValidateNested()
  events = new CollectorEventsConfig();

  @Type(() => CollectorHealthConfig)
  @ValidateNested()
  health = new CollectorHealthConfig();

  @Doc(
    `where samples go, several at once: a list of {type: ${SINK_TYPES.join(' | ')}, ...}; influxdb-v2: url, token or tokenFile, org, bucket; influxdb-v1: url, database, retentionPolicy, username, password or passwordFile; file: path, maxBytes (default 100 MB), maxFiles (default 5); prometheus: none (served on /metrics); every sink: schema (${LINE_SCHEMAS.join(' | ')}, default telegraf: Telegraf inputs.vsphere's measurements, tags and value types; the same on every sink)`,
  )
  @Type(() => SinkConfig)
  @ValidateNested({ each: true })
  @AtMostOnePrometheusSink()
  @OneSchema()
  sinks: SinkConfig[] = [];

  @Type(() => OnceConfig)
  @ValidateNested()
  once = new OnceConfig();
}
