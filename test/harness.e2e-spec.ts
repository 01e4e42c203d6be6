import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { runApp } from './support/apps';
import { createTestDatabase, type TestDatabase } from './support/postgres';
import { runProcess } from './support/processes';
import { RawVim } from './support/raw-vim';
import { startInfluxDb, startVictoriaMetrics, type TimeSeriesServer } from './support/time-series';
import { startVcsim, type Vcsim } from './support/vcsim';

// The harness self-test: every real service the e2e suites rely on starts, answers and is cleaned up.

describe('vcsim', () => {
  let vcsim: Vcsim;
  beforeAll(async () => {
    vcsim = await startVcsim({ clusters: 2, hostsPerCluster: 3, vmsPerHost: 2 });
  });
  afterAll(() => vcsim?.stop());

  it('serves the inventory its flags describe, the same to pyVmomi and to a raw SOAP client', async () => {
    expect(vcsim.vms).toBe(12);
    expect(vcsim.hosts).toBe(6);

    const python = await runProcess('/usr/bin/python3', [
      'test/pyvmomi/list_vms.py',
      vcsim.url,
      vcsim.username,
      vcsim.password,
    ]);
    expect(python.stderr.replace(/.*SyntaxWarning.*\n.*\n/g, '')).toBe('');
    const fromPyvmomi = (JSON.parse(python.stdout) as { moref: string; name: string }[]).map(
      ({ moref, name }) => ({
        moref,
        name,
      }),
    );

    const raw = new RawVim(vcsim.url);
    await raw.login(vcsim.username, vcsim.password);
    const fromRaw = await raw.listVms();

    expect(fromPyvmomi).toHaveLength(12);
    expect(fromRaw).toEqual(fromPyvmomi);
  });
});

describe('InfluxDB 1.6', () => {
  let influx: TimeSeriesServer;
  beforeAll(async () => {
    influx = await startInfluxDb();
  });
  afterAll(() => influx?.stop());

  it('accepts a point on the v1 /write API and returns it from /query', async () => {
    await fetch(`${influx.url}/query?q=${encodeURIComponent('CREATE DATABASE vcc')}`, { method: 'POST' });
    const write = await fetch(`${influx.url}/write?db=vcc&precision=s`, {
      method: 'POST',
      body: 'vsphere_vm_cpu,moid=vm-1 usage_average=12.5 1795347240\n',
    });
    expect(write.status).toBe(204);
    const query = await fetch(
      `${influx.url}/query?db=vcc&q=${encodeURIComponent('SELECT usage_average FROM vsphere_vm_cpu')}&epoch=s`,
    );
    const body = (await query.json()) as { results: { series: { values: [number, number][] }[] }[] };
    expect(body.results[0].series[0].values).toEqual([[1795347240, 12.5]]);
  });
});

describe('VictoriaMetrics', () => {
  let victoria: TimeSeriesServer;
  beforeAll(async () => {
    victoria = await startVictoriaMetrics();
  });
  afterAll(() => victoria?.stop());

  it('accepts a point on the InfluxDB v2 /api/v2/write API and exports it back', async () => {
    const timestamp = Math.floor(Date.now() / 1000) - 60;
    const write = await fetch(`${victoria.url}/api/v2/write?org=vcc&bucket=vcc&precision=s`, {
      method: 'POST',
      body: `vsphere_vm_cpu,moid=vm-1 usage_average=12.5 ${timestamp}\n`,
    });
    expect(write.status).toBe(204);
    await fetch(`${victoria.url}/internal/force_flush`);
    const exported = await fetch(
      `${victoria.url}/api/v1/export?match[]=${encodeURIComponent('vsphere_vm_cpu_usage_average')}`,
    );
    const series = JSON.parse((await exported.text()).trim()) as {
      metric: Record<string, string>;
      values: number[];
      timestamps: number[];
    };
    expect(series.metric).toMatchObject({ __name__: 'vsphere_vm_cpu_usage_average', moid: 'vm-1' });
    expect(series.values).toEqual([12.5]);
    expect(series.timestamps).toEqual([timestamp * 1000]);
  });
});

describe('PostgreSQL and migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  it('applies the migrations with the migrate command, and a second run finds nothing to do', async () => {
    // The controller's config requires the key for vCenter passwords, even to migrate.
    const env = {
      VCC_DATABASE_URL: database.url,
      VCC_SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
    const first = await runApp('controller', ['migrate'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/"message":"applied \d+ migration\(s\): /);

    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const applied = await client.query('SELECT name FROM vcc_migrations ORDER BY id');
      expect(applied.rowCount).toBeGreaterThan(0);
      const table = await client.query("SELECT to_regclass('public.vcenter') AS name");
      expect(table.rows[0].name).toBe('vcenter');
    } finally {
      await client.end();
    }

    const second = await runApp('aggregator', ['migrate'], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('"message":"schema is up to date"');
  });
});
