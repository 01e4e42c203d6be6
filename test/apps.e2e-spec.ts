import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runApp, startApp, type AppName } from './support/apps';
import { createTestDatabase, type TestDatabase } from './support/postgres';
import { freePort } from './support/processes';

const APPS: AppName[] = ['controller', 'collector', 'aggregator', 'simulator'];
const COLLECTOR_ENV = { VCC_CONTROLLER_URL: 'http://127.0.0.1:9', VCC_CONTROLLER_TOKEN: 'collector-token' };
// The controller needs a key for vCenter passwords; the aggregator ignores it.
const DATA_ENV = { VCC_SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64') };

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vcc-apps-'));
  chmodSync(dir, 0o755); // the embedded PostgreSQL runs as the postgres user and must reach its data
  return dir;
}

describe.each(APPS)('%s', (app) => {
  it('prints its options with --help and exits 0', async () => {
    const result = await runApp(app, ['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`vcc ${app}`);
    expect(result.stdout).toMatch(/--config VALUE/);
    expect(result.stdout).toContain('http.port (VCC_HTTP_PORT)');
  });

  it('exits 2 naming the key, the value and the expected form when a value has the wrong type', async () => {
    const result = await runApp(app, [], { ...COLLECTOR_ENV, VCC_HTTP_PORT: 'eighty' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('http.port: ');
    expect(result.stderr).toContain('must be an integer number; got "eighty" from VCC_HTTP_PORT');
  });

  it('check-config validates the configuration and exits without starting anything', async () => {
    const valid = await runApp(app, ['check-config'], { ...COLLECTOR_ENV, ...DATA_ENV });
    expect(valid).toEqual({ code: 0, stdout: `vcc ${app}: configuration valid\n`, stderr: '' });

    const invalid = await runApp(app, ['check-config'], {
      ...COLLECTOR_ENV,
      ...DATA_ENV,
      VCC_HTTP_PORT: 'eighty',
    });
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toContain('must be an integer number; got "eighty" from VCC_HTTP_PORT');
  });

  it('exits 2 naming the file when the config file is missing or not YAML', async () => {
    const missing = await runApp(app, ['--config', '/nonexistent/vcc.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('config file /nonexistent/vcc.yaml: not found');

    const file = join(tempDir(), 'broken.yaml');
    writeFileSync(file, 'http: [port: 1\n');
    const broken = await runApp(app, ['--config', file]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`config file ${file}: not valid YAML at line`);
  });
});

describe('collector configuration', () => {
  it('exits 2 naming a missing required key', async () => {
    const file = join(tempDir(), 'collector.yaml');
    writeFileSync(file, 'controller:\n  url: http://controller:8080\n');
    const result = await runApp('collector', ['--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('controller.token: is required unless --once');
  });
});

describe('apps without a database', () => {
  it.each(['collector', 'simulator'] as const)('%s serves /health and logs JSON lines', async (app) => {
    const running = await startApp(app, { env: COLLECTOR_ENV });
    try {
      const response = await fetch(`${running.url}/health`);
      if (app === 'collector') {
        // Its controller does not exist, so it cannot hold a lease: 503, and the report says why.
        expect(response.status).toBe(503);
        expect(await response.json()).toMatchObject({
          status: 'failing',
          app,
          checks: { collector: { fenced: true } },
        });
      } else {
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({ status: 'ok', app });
      }
      const metrics = await fetch(`${running.url}/metrics`);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      expect(await metrics.text()).toMatch(/^vcc_process_cpu_seconds_total /m);
      const line = running.logs().find((entry) => String(entry.message).includes('listening on'));
      expect(line).toEqual({
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        app,
        context: 'Bootstrap',
        message: expect.stringContaining(`${app} listening on http://127.0.0.1:`),
      });
    } finally {
      expect(await running.stop()).toBe(0);
    }
  });
});

describe('apps that own data', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  it.each(['controller', 'aggregator'] as const)(
    '%s starts against the configured PostgreSQL and reports it in /health',
    async (app) => {
      const running = await startApp(app, { env: { ...DATA_ENV, VCC_DATABASE_URL: database.url } });
      try {
        const health = await fetch(`${running.url}/health`);
        expect(health.status).toBe(200);
        expect(await health.json()).toMatchObject({ app, checks: { database: { status: 'ok' } } });
        expect(running.logs().some((l) => String(l.message).includes('embedded'))).toBe(false);
      } finally {
        expect(await running.stop()).toBe(0);
      }
    },
  );

  it('controller exits 2 naming a missing vCenter password file before it touches the database', async () => {
    const file = join(tempDir(), 'controller.yaml');
    writeFileSync(
      file,
      'vcenters:\n  - { name: vc1, sdkUrl: "https://vc1/sdk", username: u, passwordFile: /nonexistent/vc1-password }\n',
    );
    const untouched = await createTestDatabase();
    const db = new Client({ connectionString: untouched.url });
    try {
      const result = await runApp('controller', ['--config', file], {
        ...DATA_ENV,
        VCC_DATABASE_URL: untouched.url,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('vcenters.0.passwordFile: must name a readable regular file');
      expect(result.stderr).not.toMatch(/\n\s+at /);
      await db.connect();
      const tables = await db.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public'`);
      expect(tables.rowCount).toBe(0);
    } finally {
      await db.end();
      await untouched.drop();
    }
  });

  it('controller and aggregator share one embedded PostgreSQL when no database is configured', async () => {
    const dataDir = join(tempDir(), 'postgres');
    const env = {
      ...DATA_ENV,
      VCC_DATABASE_EMBEDDED_DATA_DIR: dataDir,
      VCC_DATABASE_EMBEDDED_PORT: String(await freePort()),
    };
    const controller = await startApp('controller', { env });
    try {
      expect(controller.logs().map((l) => l.message)).toContain(
        `embedded PostgreSQL ready on 127.0.0.1:${env.VCC_DATABASE_EMBEDDED_PORT}`,
      );
      const aggregator = await startApp('aggregator', { env });
      try {
        expect(aggregator.logs().map((l) => l.message)).toContain(
          'using the embedded PostgreSQL already running',
        );
        for (const app of [controller, aggregator]) {
          const health = await fetch(`${app.url}/health`);
          expect(await health.json()).toMatchObject({ checks: { database: { status: 'ok' } } });
        }
      } finally {
        expect(await aggregator.stop()).toBe(0);
      }
    } finally {
      expect(await controller.stop()).toBe(0);
    }
    expect(controller.logs().map((l) => l.message)).toContain('embedded PostgreSQL stopped');
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
  });
});
