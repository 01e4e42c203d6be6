import { Logger as NestLogger, Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { isUtf8 } from 'node:buffer';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Logger, LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import type { ClassConstructor } from 'class-transformer';
import {
  ConfigError,
  describeConfig,
  loadConfig,
  readRegularFile,
  type BaseAppConfig,
  type HttpTlsConfig,
  CONFIG_FILE_ENV,
} from '@vcc/config';
import { version } from '../../package.json';
import { AllExceptionsFilter } from './exception.filter';
import { AppIdentity, HealthController, HealthService } from './health.controller';
import { loggerParams, nestLoggerFor } from './logging';
import { MetricsController } from './metrics.controller';
import { UndeclaredInputGuard } from './undeclared-input.guard';
import { strictValidationPipe } from './validation';

type Flags = NonNullable<ParseArgsConfig['options']>;
export type FlagValues = Record<string, string | boolean | undefined>;

/** Runs before the HTTP app (or a command) and is undone after it, e.g. an embedded PostgreSQL. */
export interface Resource<C> {
  start(config: C, logger: pino.Logger): Promise<void>;
  stop(logger: pino.Logger): Promise<void>;
}

export interface AppCommand<C> {
  summary: string;
  run(config: C, logger: pino.Logger, flags: FlagValues): Promise<number>;
}

export interface AppDefinition<C extends BaseAppConfig> {
  name: string;
  summary: string;
  config: ClassConstructor<C>;
  flags?: Flags & Record<string, { description?: string }>;
  // NoInfer: the app's config class alone decides C; resources and commands may be generic.
  commands?: Record<string, AppCommand<NoInfer<C>>>;
  resources?: Resource<NoInfer<C>>[];
  /** Problems only the combination of config and flags reveals (a key required unless a flag is given). */
  check?(config: NoInfer<C>, flags: FlagValues): string[];
  module(config: NoInfer<C>, flags: FlagValues): DynamicModule | Type<unknown>;
  /** Last touches on the Nest app before it listens (e.g. the OpenAPI document). */
  configure?(app: NestFastifyApplication, config: NoInfer<C>, version: string): void | Promise<void>;
  /** TLS key and certificate (PEM) to serve HTTPS with when http.tls names none; undefined serves plain HTTP. */
  defaultTls?(
    config: NoInfer<C>,
    logger: pino.Logger,
  ): Promise<TlsKeyPair | undefined> | TlsKeyPair | undefined;
}

export interface TlsKeyPair {
  key: string;
  cert: string;
}

const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;

/**
 * Every app's built-in command: loads and validates the configuration, touches nothing else, and
 * exits 0 or 2 with the problems, so that provisioning can check a rendered file before a restart.
 */
const CHECK_CONFIG = 'check-config';

/** Exit codes: 0 ok, 1 runtime failure, 2 bad command line or configuration. */
export const EXIT_BAD_CONFIG = 2;

const commonFlags = {
  config: { type: 'string', short: 'c', description: `YAML config file (default: $${CONFIG_FILE_ENV})` },
  help: { type: 'boolean', short: 'h', description: 'print this help and exit' },
  version: { type: 'boolean', description: 'print the version and exit' },
} as const;

export function usage<C extends BaseAppConfig>(app: AppDefinition<C>): string {
  const flags = { ...commonFlags, ...app.flags } as Record<
    string,
    { type: string; short?: string; description?: string }
  >;
  const commands = Object.entries(app.commands ?? {});
  const lines = [
    `vcc ${app.name} ${version}: ${app.summary}`,
    '',
    `usage: node dist/apps/${app.name}/main.js [command] [options]`,
  ];
  lines.push('', 'commands:', '  (none)         serve HTTP until SIGINT/SIGTERM');
  lines.push(`  ${CHECK_CONFIG.padEnd(14)} validate the configuration, print any problem, exit 0 or 2`);
  for (const [name, command] of commands) lines.push(`  ${name.padEnd(14)} ${command.summary}`);
  lines.push('', 'options:');
  for (const [name, flag] of Object.entries(flags)) {
    const spelled = `${flag.short ? `-${flag.short}, ` : '    '}--${name}${flag.type === 'string' ? ' VALUE' : ''}`;
    lines.push(`  ${spelled.padEnd(24)} ${flag.description ?? ''}`);
  }
  lines.push(
    '',
    'configuration keys (YAML path, environment variable, default); any key can also be read from a file',
    'named by <key>File in YAML or by <VARIABLE>_FILE:',
  );
  for (const key of describeConfig(app.config)) {
    const shown =
      key.secret || key.defaultValue === undefined ? '' : ` = ${JSON.stringify(key.defaultValue)}`;
    lines.push(`  ${key.key} (${key.env})${shown}`);
    if (key.doc) lines.push(`      ${key.doc}`);
  }
  return `${lines.join('\n')}\n`;
}

function fail(app: string, message: string): never {
  process.stderr.write(`vcc ${app}: ${message}\n`);
  process.exit(EXIT_BAD_CONFIG);
}

/**
 * The main of every vcc app: parses flags, loads and validates the config (exit 2 on any problem),
 * starts resources, then either runs a command or serves HTTP until SIGINT/SIGTERM, and shuts down
 * in reverse order.
 */
export async function runApp<C extends BaseAppConfig>(app: AppDefinition<C>): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ options: { ...commonFlags, ...app.flags }, allowPositionals: true, strict: true });
  } catch (error) {
    fail(app.name, `${(error as Error).message}\n(run with --help for the options)`);
  }
  const flags = parsed.values as FlagValues;
  if (flags.help) {
    process.stdout.write(usage(app));
    return;
  }
  if (flags.version) {
    process.stdout.write(`${version}\n`);
    return;
  }
  const [commandName, ...extra] = parsed.positionals;
  // A command can also be asked for by a boolean flag of the same name (the collector's --once).
  const flagged = Object.keys(app.commands ?? {}).find((name) => flags[name] === true);
  const checkOnly = commandName === CHECK_CONFIG;
  const command =
    commandName === undefined ? (flagged ? app.commands![flagged] : undefined) : app.commands?.[commandName];
  if (commandName !== undefined && !command && !checkOnly)
    fail(app.name, `unknown command '${commandName}' (see --help)`);
  if (extra.length) fail(app.name, `unexpected arguments: ${extra.join(' ')}`);

  let config: C;
  try {
    config = loadConfig(app.config, { file: flags.config as string | undefined });
    const problems = app.check?.(config, flags) ?? [];
    if (problems.length) throw new ConfigError(problems);
  } catch (error) {
    if (error instanceof ConfigError) fail(app.name, error.message);
    throw error;
  }
  if (checkOnly) {
    const file = flags.config as string | undefined;
    process.stdout.write(`vcc ${app.name}: configuration valid${file ? ` (${file})` : ''}\n`);
    return;
  }

  const logger = pino({
    ...loggerParams(app.name, config.log.level).pinoHttp,
    name: undefined,
  } as pino.LoggerOptions);
  const started: Resource<C>[] = [];
  const stopResources = async (): Promise<void> => {
    for (const resource of started.reverse()) await resource.stop(logger);
  };
  try {
    for (const resource of app.resources ?? []) {
      await resource.start(config, logger);
      started.push(resource);
    }
    if (command) {
      NestLogger.overrideLogger(nestLoggerFor(logger));
      const code = await command.run(config, logger, flags);
      await stopResources();
      process.exit(code);
    }
    await serve(app, config, flags, logger, stopResources);
  } catch (error) {
    logger.fatal({ err: error }, `${app.name} failed to start: ${(error as Error).message}`);
    await stopResources().catch(() => undefined);
    process.exit(1);
  }
}

async function serve<C extends BaseAppConfig>(
  app: AppDefinition<C>,
  config: C,
  flags: FlagValues,
  logger: pino.Logger,
  stopResources: () => Promise<void>,
): Promise<void> {
  const rootModule = platformModule(app, config, flags);
  const https = serverTls(config.http.tls) ?? (await app.defaultTls?.(config, logger));
  const timeoutMs = config.http.requestTimeoutSeconds * 1000;
  // Node enforces a request timeout only if its server is created with one (Fastify sets it
  // later), and looks for requests over it every 30 s unless told otherwise.
  const serverTimeouts = {
    requestTimeout: timeoutMs,
    connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
  };
  const nest = await NestFactory.create<NestFastifyApplication>(
    rootModule,
    new FastifyAdapter({
      bodyLimit: config.http.bodyLimitBytes,
      // Fastify's default of no request timeout lets a client hold a connection open for ever
      // by sending a large body a byte at a time.
      requestTimeout: timeoutMs,
      connectionTimeout: timeoutMs,
      http: serverTimeouts,
      ...(https ? { https: { ...https, ...serverTimeouts } } : {}),
    }),
    { bufferLogs: true },
  );
  nest.useLogger(nest.get(Logger));
  acceptOnlyUtf8Json(nest, config.http.bodyLimitBytes);
  nest.useGlobalPipes(strictValidationPipe());
  nest.useGlobalGuards(new UndeclaredInputGuard());
  nest.useGlobalFilters(new AllExceptionsFilter());
  await app.configure?.(nest, config, version);
  await nest.listen(config.http.port, config.http.host);
  const address = nest.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const scheme = https ? 'https' : 'http';
  new NestLogger('Bootstrap').log(`${app.name} listening on ${scheme}://${config.http.host}:${port}`);

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ context: 'Bootstrap' }, `${signal} received, shutting down`);
    const deadline = setTimeout(() => {
      logger.error({ context: 'Bootstrap' }, 'shutdown took longer than 30 s, exiting');
      process.exit(1);
    }, 30_000);
    deadline.unref();
    try {
      await nest.close();
      await stopResources();
      logger.info({ context: 'Bootstrap' }, 'stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ context: 'Bootstrap', err: error }, `shutdown failed: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

/**
 * HTTPS options from http.tls; the loader has checked the files already. With a client CA the
 * handshake itself refuses a client without a certificate signed by it, before any route runs.
 */
function serverTls(tls: HttpTlsConfig): HttpsServerOptions | undefined {
  if (!tls.certFile || !tls.keyFile) return undefined;
  const pair = { cert: readRegularFile(tls.certFile), key: readRegularFile(tls.keyFile) };
  if (!tls.clientCaFile) return pair;
  return { ...pair, ca: readRegularFile(tls.clientCaFile), requestCert: true, rejectUnauthorized: true };
}

function platformModule<C extends BaseAppConfig>(
  app: AppDefinition<C>,
  config: C,
  flags: FlagValues,
): DynamicModule {
  const configProvider: Provider = { provide: app.config, useValue: config };
  const identity: Provider = { provide: AppIdentity, useValue: new AppIdentity(app.name, version) };

  @Module({})
  class PlatformModule {}

  return {
    module: PlatformModule,
    global: true,
    imports: [LoggerModule.forRoot(loggerParams(app.name, config.log.level)), app.module(config, flags)],
    controllers: [HealthController, MetricsController],
    providers: [configProvider, identity, HealthService],
    exports: [configProvider, identity, HealthService],
  };
}

/**
 * JSON bodies as Fastify parses them, but refused with a 400 when they are not UTF-8: Fastify
 * decodes the bytes with replacement characters, so a vCenter user name sent in Latin-1 would be
 * stored garbled. Registering it also keeps Nest from adding a form-urlencoded parser, which no
 * route takes.
 */
function acceptOnlyUtf8Json(nest: NestFastifyApplication, bodyLimit: number): void {
  const parseJson = nest.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  nest.useBodyParser('application/json', { bodyLimit }, (request, body, done) => {
    // isUtf8 only checks; decoding with TextDecoder would also give two-byte strings, which made
    // a 1.3 MB snapshot shard take seconds longer to store.
    if (!isUtf8(body)) {
      done(Object.assign(new Error('the body is not valid UTF-8'), { statusCode: 400 }), undefined);
      return;
    }
    // Typed for strings, but takes the Buffer as Nest's own JSON parser passes it (secure-json-parse reads both).
    parseJson(request as Parameters<typeof parseJson>[0], body as unknown as string, done);
  });
}
