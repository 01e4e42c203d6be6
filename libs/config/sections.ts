import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Doc, Secret } from './config-key.decorator';
import { IsPemFile } from './pem-file.validator';

/** HTTPS for an app's own server; plain HTTP while certFile is unset. */
export class HttpTlsConfig {
  @Doc('PEM certificate (chain) to serve HTTPS with; plain HTTP when unset')
  @ValidateIf(
    (tls: HttpTlsConfig) =>
      tls.certFile !== undefined || tls.keyFile !== undefined || tls.clientCaFile !== undefined,
  )
  @IsString({ message: 'is required when keyFile or clientCaFile is set' })
  @IsPemFile('certificate')
  certFile?: string;

  @Doc('PEM private key of certFile, unencrypted; readable by the service user only')
  @ValidateIf((tls: HttpTlsConfig) => tls.certFile !== undefined || tls.keyFile !== undefined)
  @IsString({ message: 'is required when certFile is set' })
  @IsPemFile('private key', 'certFile')
  keyFile?: string;

  @Doc(
    'PEM CA bundle for mutual TLS: every client (collectors, admins, health checks) must then present a certificate it signed',
  )
  @IsOptional()
  @IsString()
  @IsPemFile('certificate')
  clientCaFile?: string;
}

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

  @Doc(
    'seconds a client has to send a whole request, headers and body; slower ones get 408 and are disconnected, as are connections idle that long',
  )
  @IsInt()
  @Min(1)
  @Max(3600)
  requestTimeoutSeconds = 60;

  @Type(() => HttpTlsConfig)
  @ValidateNested()
  tls = new HttpTlsConfig();
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

export const TOKEN_ROLES = ['admin', 'collector', 'reader', 'uploader'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** One bearer token of an HTTP API. */
export class TokenConfig {
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, {
    message: 'must be 1 to 64 letters, digits, dots, dashes or underscores',
  })
  name: string;

  @IsIn(TOKEN_ROLES)
  role: TokenRole;

  @Secret()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters (generate one with: openssl rand -base64 32)' })
  token: string;
}

export class AuthConfig {
  @Doc(
    'bearer tokens, a list of {name, role, token} with role admin, collector, reader or uploader (node packages only, on the aggregator) and a token of at least 32 characters; prefer tokensFile (a file holding that YAML list)',
  )
  @Secret()
  @IsArray()
  @ArrayUnique((entry: TokenConfig) => entry?.token, { message: 'must not hold the same token twice' })
  @Type(() => TokenConfig)
  @ValidateNested({ each: true })
  tokens: TokenConfig[] = [];
}
