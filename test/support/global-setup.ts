import { existsSync, mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_URL_ENV, answers } from './postgres';
import { freePort, startProcess, type RunningProcess } from './processes';
import { buildVcsim } from './vcsim';
import { ROOT } from './root';

// Overridable so the embedded fallback can be exercised on a machine that has a local server.
const LOCAL_POSTGRES = process.env.VCC_TEST_LOCAL_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REQUIRED = ['/usr/bin/influxd', '/usr/bin/victoria-metrics', '/usr/bin/go', '/usr/bin/python3'];

declare global {
  // Shared with global-teardown.ts, which runs in the same process.
  var vccEmbeddedPostgres: RunningProcess | undefined;
}

/**
 * Once per e2e run: checks the Debian packages and the build, builds vcsim, and picks the
 * PostgreSQL server: $DATABASE_URL, else the local server on 127.0.0.1:5432, else an embedded one.
 */
export default async function globalSetup(): Promise<void> {
  const missing = REQUIRED.filter((file) => !existsSync(file));
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run scripts/install-deps.sh`);
  if (!existsSync(join(ROOT, 'dist/apps/controller/main.js')))
    throw new Error('dist/ is missing: run npm run build');

  await buildVcsim();

  if (process.env.DATABASE_URL) {
    process.env[ADMIN_URL_ENV] = process.env.DATABASE_URL;
    log(`PostgreSQL from DATABASE_URL`);
  } else if (await answers(LOCAL_POSTGRES)) {
    process.env[ADMIN_URL_ENV] = LOCAL_POSTGRES;
    log('PostgreSQL on 127.0.0.1:5432');
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'vcc-e2e-pg-'));
    chmodSync(dir, 0o755); // the server runs as the postgres user, which must reach its data directory
    const port = await freePort();
    const { process: server, match } = await startProcess(
      'node',
      [join(ROOT, 'test/support/embedded-postgres-server.js'), join(dir, 'data'), String(port)],
      { name: 'embedded PostgreSQL', ready: /^(\{"url".*\})$/m, timeoutMs: 120_000 },
    );
    globalThis.vccEmbeddedPostgres = server;
    process.env[ADMIN_URL_ENV] = (JSON.parse(match[1]) as { url: string }).url;
    log(`embedded PostgreSQL on 127.0.0.1:${port} (no DATABASE_URL and nothing on 127.0.0.1:5432)`);
  }
}

function log(message: string): void {
  process.stdout.write(`\ne2e: ${message}\n`);
}
