import 'reflect-metadata';
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
  ValidateNested,
} from 'class-validator';
import { Doc, Secret } from './config-key.decorator';

export class HttpConfig {
  @Doc('address the HTTP server binds to')
  @IsString()
  host = '127.0.0.1';

  @Doc('HTTP port (0 picks a free port, logged at start)')
  @IsInt()
  @Min(0)
  @Max(65535)
  port = 8080;

  @Doc('largest accepted request body in bytes; bigger bodies get 413')
  @IsInt()
  @Min(1024)
  bodyLimitBytes = 1_048_576;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class LogConfig {
  @Doc(`one of ${LOG_LEVELS.join(', ')}`)
  @IsIn(LOG_LEVELS)
  level: LogLevel = 'info';
}

export class EmbeddedPostgresConfig {
  @Doc('data directory of the embedded PostgreSQL started when database.url is empty')
  @IsString()
  dataDir = './data/postgres';

  @Doc('loopback port of the embedded PostgreSQL')
  @IsInt()
  @Min(1)
  @Max(65535)
  port = 5488;

  @Doc('seconds to wait for the embedded server to start or stop')
  @IsInt()
  @Min(1)
  timeoutSeconds = 60;
}

export class DatabaseConfig {
  @Doc('PostgreSQL URL (postgres://user:password@host:port/db); empty starts an embedded PostgreSQL')
  @Secret()
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  url?: string;

  @Doc('apply pending migrations at start, under an advisory lock so replicas do not race')
  @IsBoolean()
  migrate = true;

  @Doc('connections in the pool')
  @IsInt()
  @Min(1)
  poolSize = 10;

  @Type(() => EmbeddedPostgresConfig)
  @ValidateNested()
  embedded = new EmbeddedPostgresConfig();
}

export class ControllerClientConfig {
  @Doc('base URL of the controller, e.g. http://controller:8080 (required)')
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  url: string;

  @Doc('bearer token with the collector role (required; prefer tokenFile)')
  @Secret()
  @IsString()
  token: string;
}
