import { randomBytes, X509Certificate } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { adminQuery, ADMIN_URL_ENV, withDatabase } from '../support/postgres';
import { runProcess } from '../support/processes';
import { ROOT } from '../support/root';
import { RecordingController } from './recording-controller';

// The example inventory and its vault, exactly as shipped, applied to this machine: every host
// over a local connection into a folder of its own (vcc_root), with vcc_manage_system and
// vcc_manage_services false (no packages, users, ownership or systemd calls), except where the
// upgrade test puts a fake systemctl on PATH.
const ANSIBLE_DIR = join(ROOT, 'ansible');
const INVENTORY = ['-i', 'inventories/example/hosts.yml'];
const VAULT = ['--vault-password-file', 'inventories/example/vault-password.example'];
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const HOSTS = {
  controller: ['vcc-controller-01.example.com'],
  collector: ['vcc-collector-01.example.com', 'vcc-collector-02.example.com'],
  aggregator: ['vcc-aggregator-01.example.com'],
};
// From the example vault (inventories/example/group_vars/all/vault.yml).
const ADMIN_TOKEN = 'example-admin-token-replace-me-0123456789';
const DATABASE_PASSWORD = 'example-database-password-replace-me';
const ANSIBLE_ENV = { ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', PY_COLORS: '0' };

function ansible(command: string, args: string[], env: Record<string, string> = {}) {
  return runProcess(command, args, { cwd: ANSIBLE_DIR, env: { ...ANSIBLE_ENV, ...env } });
}

function expectSuccess(result: { code: number | null; stdout: string; stderr: string }): void {
  if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}\n${result.stderr}`);
}

describe('Ansible provisioning', () => {
  let work: string;
  let tarball: string;
  let packagedOutput: string;
  let extraVars: string;
  const adminUrl = process.env[ADMIN_URL_ENV]!;
  const database = `vcc_ansible_${randomBytes(4).toString('hex')}`;
  const rootOf = (host: string): string => join(work, 'hosts', host);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'vcc-ansible-'));
    tarball = join(work, `vcc-${VERSION}.tar.gz`);
    // The script behind npm run package, on the build the e2e run made (a rebuild here would
    // rewrite dist/ under the other suites' apps).
    const packaged = await runProcess(join(ROOT, 'scripts/package.sh'), [work], { cwd: ROOT });
    expectSuccess(packaged);
    packagedOutput = packaged.stdout;
    const admin = new URL(adminUrl);
    extraVars = join(work, 'extra-vars.json');
    writeFileSync(
      extraVars,
      JSON.stringify({
        ansible_connection: 'local',
        ansible_python_interpreter: '/usr/bin/python3',
        vcc_root: `${work}/hosts/{{ inventory_hostname }}`,
        vcc_manage_system: false,
        vcc_manage_services: false,
        vcc_tls_dir: join(work, 'tls'),
        vcc_release_tarball: tarball,
        // The optional PostgreSQL role, against the test server: a database and user of its own.
        vcc_postgresql_login_host: admin.hostname,
        vcc_postgresql_login_user: decodeURIComponent(admin.username),
        vcc_postgresql_login_password: decodeURIComponent(admin.password),
        vcc_database_port: Number(admin.port || 5432),
        vcc_database_name: database,
        vcc_database_user: database,
      }),
    );
    expectSuccess(
      await ansible('ansible-playbook', [...INVENTORY, ...VAULT, '-e', `@${extraVars}`, 'site.yml']),
    );
  }, 600_000);

  afterAll(async () => {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await adminQuery(adminUrl, `DROP ROLE IF EXISTS "${database}"`);
    rmSync(work, { recursive: true, force: true });
  });

  it('packages the built apps, production node_modules and config examples, and says where', async () => {
    expect(packagedOutput).toMatch(new RegExp(`^package: ${tarball} \\(\\d+M, \\d+M unpacked\\)$`, 'm'));
    const listed = await runProcess('tar', ['-tzf', tarball]);
    expectSuccess(listed);
    const files = new Set(listed.stdout.split('\n'));
    const release = `vcc-${VERSION}`;
    for (const file of [
      'package.json',
      'README.md',
      'dist/package.json',
      'dist/apps/controller/main.js',
      'dist/apps/collector/main.js',
      'dist/apps/aggregator/main.js',
      'config/controller.example.yaml',
      'node_modules/@nestjs/core/package.json',
    ])
      expect(files).toContain(`${release}/${file}`);
    // Dev dependencies are pruned.
    for (const devDependency of ['typescript', 'jest', 'eslint'])
      expect(files).not.toContain(`${release}/node_modules/${devDependency}/package.json`);
  });

  it('passes ansible-playbook --syntax-check and ansible-lint', async () => {
    expectSuccess(await ansible('ansible-playbook', [...INVENTORY, ...VAULT, '--syntax-check', 'site.yml']));
    expectSuccess(
      await ansible('ansible-playbook', [...INVENTORY, ...VAULT, '--syntax-check', 'upgrade.yml']),
    );
    expectSuccess(await ansible('ansible-lint', ['site.yml', 'upgrade.yml', 'roles']));
  });

  it.each(Object.entries(HOSTS).flatMap(([app, hosts]) => hosts.map((host) => [app, host])))(
    'renders the %s config of %s, which the released app accepts',
    async (app, host) => {
      const root = rootOf(host);
      const config = join(root, 'etc/vcc', `${app}.yaml`);
      // The app from the unpacked release, with its production node_modules.
      const main = join(root, 'opt/vcc/current/dist/apps', app, 'main.js');
      const checked = await runProcess('node', [main, 'check-config', '--config', config], {
        env: { VCC_CONFIG: undefined },
      });
      expectSuccess(checked);
      expect(checked.stdout).toContain(`vcc ${app}: configuration valid`);

      // Its certificate is signed by the CA the collectors are given, for the host's name.
      const ca = new X509Certificate(readFileSync(join(root, 'etc/vcc/tls/ca.crt')));
      const certificate = new X509Certificate(readFileSync(join(root, 'etc/vcc/tls/host.crt')));
      expect(certificate.verify(ca.publicKey)).toBe(true);
      expect(certificate.checkHost(host)).toBe(host);
    },
  );

  it('gives the aggregator the bearer tokens the controller has, so readers use one token for both', () => {
    const tokens = (host: string, app: string): string =>
      readFileSync(join(rootOf(host), 'etc/vcc', `${app}-tokens.yaml`), 'utf8');
    const aggregator = HOSTS.aggregator[0];
    expect(readFileSync(join(rootOf(aggregator), 'etc/vcc/aggregator.yaml'), 'utf8')).toContain(
      `tokensFile: ${rootOf(aggregator)}/etc/vcc/aggregator-tokens.yaml`,
    );
    expect(tokens(aggregator, 'aggregator')).toContain('role: reader');
    expect(tokens(aggregator, 'aggregator')).toBe(tokens(HOSTS.controller[0], 'controller'));
  });

  it('points every collector at the controller over HTTPS, trusting the local CA', () => {
    for (const host of HOSTS.collector) {
      const config = readFileSync(join(rootOf(host), 'etc/vcc/collector.yaml'), 'utf8');
      expect(config).toContain(`url: https://${HOSTS.controller[0]}:8080`);
      expect(config).toContain(`caFile: ${rootOf(host)}/etc/vcc/tls/ca.crt`);
      expect(config).toContain(`name: ${host}`);
    }
  });

  it.each(Object.entries(HOSTS).flatMap(([app, hosts]) => hosts.map((host) => [app, host])))(
    'writes a sandboxed vcc-%s unit on %s that systemd-analyze verify accepts without a warning',
    async (app, host) => {
      const unit = join(rootOf(host), 'etc/systemd/system', `vcc-${app}.service`);
      const verified = await runProcess('systemd-analyze', ['verify', unit]);
      expect(verified).toEqual({ code: 0, stdout: '', stderr: '' });
      const text = readFileSync(unit, 'utf8');
      for (const line of [
        'User=vcc',
        'ProtectSystem=strict',
        'NoNewPrivileges=yes',
        'PrivateTmp=yes',
        'CapabilityBoundingSet=\n',
        `ReadWritePaths=${rootOf(host)}/var/lib/vcc/${app}\n`,
      ])
        expect(text).toContain(line);
    },
  );

  it('creates the database and its owner with the vault password (the PostgreSQL role)', async () => {
    const url = new URL(withDatabase(adminUrl, database));
    url.username = database;
    url.password = DATABASE_PASSWORD;
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const { rows } = await client.query<{ owner: string }>(
        'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database()',
      );
      expect(rows).toEqual([{ owner: database }]);
    } finally {
      await client.end();
    }
  });

  it('upgrades the collectors one at a time, each drained and gone before it is stopped and started', async () => {
    const controller = new RecordingController(HOSTS.collector, '0.0.1', VERSION, ADMIN_TOKEN);
    const url = await controller.start();
    try {
      const bin = join(work, 'bin');
      mkdirSync(bin, { recursive: true });
      const systemctl = join(bin, 'systemctl');
      copyFileSync(join(__dirname, 'fake-systemctl.js'), systemctl);
      chmodSync(systemctl, 0o755);
      const upgraded = await ansible(
        'ansible-playbook',
        [
          ...INVENTORY,
          ...VAULT,
          '-e',
          `@${extraVars}`,
          '-e',
          JSON.stringify({
            vcc_controller_url: url,
            vcc_manage_services: true,
            vcc_upgrade_poll_seconds: 1,
            vcc_upgrade_wait_seconds: 20,
          }),
          'upgrade.yml',
        ],
        {
          PATH: `${bin}:${process.env.PATH}`,
          VCC_FAKE_SYSTEMCTL_STATE: join(work, 'systemctl-state'),
          VCC_FAKE_SYSTEMCTL_RECORDER: url,
        },
      );
      expectSuccess(upgraded);
      const steps = controller.events.filter((event) => !event.startsWith('systemctl daemon-reload'));
      expect(steps).toEqual(
        HOSTS.collector.flatMap((host) => [
          `drain ${host}`,
          `still draining ${host}`,
          `gone ${host}`,
          'systemctl stop vcc-collector',
          'systemctl start vcc-collector',
          `registered ${host} ${VERSION}`,
        ]),
      );
    } finally {
      await controller.stop();
    }
  });
});
