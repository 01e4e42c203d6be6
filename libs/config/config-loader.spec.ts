import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AggregatorConfig,
  CollectorConfig,
  ConfigError,
  ControllerConfig,
  describeConfig,
  envName,
  loadConfig,
} from '.';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** A named pipe: opening it for reading waits for a writer that never comes. */
function fifo(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'vcc-fifo-')), 'pipe');
  execFileSync('mkfifo', [path]);
  return path;
}

function yamlFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vcc-config-')), 'app.yaml');
  writeFileSync(file, text);
  return file;
}

describe('loadConfig', () => {
  it('gives every default when there is no file and no environment', () => {
    const config = loadConfig(AggregatorConfig, { env: {} });
    expect(config.http.port).toBe(8082);
    expect(config.database.url).toBeUndefined();
    expect(config.database.embedded.dataDir).toBe('./data/postgres');
    expect(config).toBeInstanceOf(AggregatorConfig);
  });

  it("requires the controller's encryption key, naming the key and its variable", () => {
    expect(problemsOf(() => loadConfig(ControllerConfig, { env: {} }))).toEqual([
      'secrets.encryptionKey: must be 32 bytes encoded in base64 (generate one with: openssl rand -base64 32); it is not set (set it in the config file or VCC_SECRETS_ENCRYPTION_KEY)',
    ]);
  });

  it('reads the YAML file and keeps defaults for keys it does not set', () => {
    const file = yamlFile('http:\n  port: 9001\ndatabase:\n  poolSize: 3\n');
    const config = loadConfig(AggregatorConfig, { file, env: {} });
    expect(config.http.port).toBe(9001);
    expect(config.http.host).toBe('127.0.0.1');
    expect(config.database.poolSize).toBe(3);
    expect(config.database.migrate).toBe(true);
  });

  it('takes the file from VCC_CONFIG when --config is absent', () => {
    const file = yamlFile('http:\n  port: 9002\n');
    expect(loadConfig(AggregatorConfig, { env: { VCC_CONFIG: file } }).http.port).toBe(9002);
  });

  it('lets the environment override any key, typed by the schema', () => {
    const file = yamlFile('http:\n  port: 9001\n');
    const config = loadConfig(AggregatorConfig, {
      file,
      env: {
        VCC_HTTP_PORT: '9100',
        VCC_DATABASE_MIGRATE: 'false',
        VCC_DATABASE_EMBEDDED_DATA_DIR: '/srv/pg',
      },
    });
    expect(config.http.port).toBe(9100);
    expect(config.database.migrate).toBe(false);
    expect(config.database.embedded.dataDir).toBe('/srv/pg');
  });

  it('reads a value from a file named by VCC_<KEY>_FILE or by <key>File in YAML', () => {
    const secret = yamlFile('postgres://vcc:s3cret@db:5432/vcc\n');
    expect(loadConfig(AggregatorConfig, { env: { VCC_DATABASE_URL_FILE: secret } }).database.url).toBe(
      'postgres://vcc:s3cret@db:5432/vcc',
    );
    const file = yamlFile(`database:\n  urlFile: ${secret}\n`);
    expect(loadConfig(AggregatorConfig, { file, env: {} }).database.url).toBe(
      'postgres://vcc:s3cret@db:5432/vcc',
    );
  });

  it('names the key, the value seen, where it came from and the expected form', () => {
    const problems = problemsOf(() => loadConfig(AggregatorConfig, { env: { VCC_HTTP_PORT: 'eighty' } }));
    expect(problems).toEqual([
      'http.port: must not be greater than 65535; must not be less than 0; must be an integer number; got "eighty" from VCC_HTTP_PORT',
    ]);
  });

  it('reports every bad key at once, including wrong types in the file and unknown keys', () => {
    const file = yamlFile('http:\n  port: "8080"\n  hots: x\nlog:\n  level: loud\n');
    const problems = problemsOf(() => loadConfig(AggregatorConfig, { file, env: {} }));
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^http\.hots: is not a known key; got "x"/);
    expect(problems[1]).toMatch(
      /^http\.port: .*must be an integer number; got "8080" from file .*app\.yaml$/,
    );
    expect(problems[2]).toMatch(
      /^log\.level: must be one of the following values: fatal, error, warn, info, debug, trace; got "loud"/,
    );
  });

  it('never prints a secret value in an error', () => {
    const problems = problemsOf(() =>
      loadConfig(AggregatorConfig, { env: { VCC_DATABASE_URL: 'mysql://root:hunter2@db' } }),
    );
    expect(problems).toEqual([
      'database.url: must be a postgres:// URL; got <redacted> from VCC_DATABASE_URL',
    ]);
    expect(problems.join()).not.toContain('hunter2');
  });

  it('rejects a missing file, invalid YAML and a top level that is not a mapping, naming the file', () => {
    expect(
      problemsOf(() => loadConfig(AggregatorConfig, { file: '/nonexistent/vcc.yaml', env: {} })),
    ).toEqual(['config file /nonexistent/vcc.yaml: not found']);
    const broken = yamlFile('http:\n  port: [1,\n');
    expect(problemsOf(() => loadConfig(AggregatorConfig, { file: broken, env: {} }))[0]).toMatch(
      /^config file .*app\.yaml: not valid YAML at line \d+/,
    );
    const list = yamlFile('- a\n- b\n');
    expect(problemsOf(() => loadConfig(AggregatorConfig, { file: list, env: {} }))[0]).toMatch(
      /expected a mapping of keys at the top level/,
    );
  });

  it('refuses a config file or secret file that is not a regular file instead of waiting on it', () => {
    const pipe = fifo();
    expect(problemsOf(() => loadConfig(AggregatorConfig, { file: pipe, env: {} }))).toEqual([
      `config file ${pipe}: not a regular file`,
    ]);
    expect(problemsOf(() => loadConfig(AggregatorConfig, { env: { VCC_DATABASE_URL_FILE: pipe } }))).toEqual([
      `database.url: cannot read file ${pipe}: not a regular file`,
    ]);
  });

  it('reports a variable that is not valid YAML as such, without its text', () => {
    const problems = problemsOf(() =>
      loadConfig(ControllerConfig, {
        env: {
          VCC_SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
          VCC_AUTH_TOKENS: '[{name: ops, role: admin, token: secret-0123456789abcdef0123456789',
        },
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^auth\.tokens: not a valid YAML value at line 1 in VCC_AUTH_TOKENS$/),
    ]);
    expect(problems.join()).not.toContain('secret-0123');
  });
});

describe('lists of sections', () => {
  const key = Buffer.alloc(32, 1).toString('base64');

  it('refuses a second prometheus sink, which would serve the same /metrics again', () => {
    const sinks = (count: number): string =>
      `controller:\n  url: http://127.0.0.1:8080\n  token: ${'c'.repeat(32)}\nsinks:\n` +
      '  - type: prometheus\n'.repeat(count);
    expect(loadConfig(CollectorConfig, { file: yamlFile(sinks(1)), env: {} }).sinks).toHaveLength(1);
    expect(problemsOf(() => loadConfig(CollectorConfig, { file: yamlFile(sinks(2)), env: {} }))).toEqual([
      expect.stringContaining('may hold one prometheus sink at most'),
    ]);
  });

  it("takes Telegraf's schema by default and refuses sinks of different schemas or an unknown one", () => {
    const head = `controller:\n  url: http://127.0.0.1:8080\n  token: ${'c'.repeat(32)}\nsinks:\n`;
    const config = loadConfig(CollectorConfig, { file: yamlFile(`${head}  - type: prometheus\n`), env: {} });
    expect(config.sinks[0].schema).toBe('telegraf');
    const mixed = `${head}  - type: prometheus\n  - type: file\n    path: /tmp/x.lp\n    schema: vcc\n`;
    expect(problemsOf(() => loadConfig(CollectorConfig, { file: yamlFile(mixed), env: {} }))).toEqual([
      expect.stringMatching(/^sinks: must all have the same schema/),
    ]);
    const unknown = `${head}  - type: prometheus\n    schema: influx\n`;
    expect(problemsOf(() => loadConfig(CollectorConfig, { file: yamlFile(unknown), env: {} }))).toEqual([
      expect.stringMatching(/^sinks\.0\.schema: must be one of the following values: telegraf, vcc/),
    ]);
  });

  it('reads a list from a file named by <key>File and validates every element', () => {
    const tokens = yamlFile('- name: ops\n  role: admin\n  token: 0123456789abcdef0123456789abcdef\n');
    const file = yamlFile(`auth:\n  tokensFile: ${tokens}\nsecrets:\n  encryptionKey: ${key}\n`);
    const config = loadConfig(ControllerConfig, { file, env: {} });
    expect(config.auth.tokens).toEqual([
      { name: 'ops', role: 'admin', token: '0123456789abcdef0123456789abcdef' },
    ]);
  });

  it('names the element and key, redacts secrets, and offers no variable for keys inside a list', () => {
    const file = yamlFile(
      [
        'auth:',
        '  tokens:',
        '    - { name: ops, role: root, token: too-short-secret }',
        'secrets:',
        `  encryptionKey: ${key}`,
        'vcenters:',
        '  - { name: vc1, sdkUrl: "https://vc1/sdk", username: u }',
      ].join('\n'),
    );
    const problems = problemsOf(() => loadConfig(ControllerConfig, { file, env: {} }));
    expect(problems).toEqual([
      expect.stringMatching(
        /^auth\.tokens\.0\.role: must be one of the following values: admin, collector, reader, uploader; got "root"/,
      ),
      expect.stringMatching(
        /^auth\.tokens\.0\.token: must be at least 32 characters .*; got <redacted> from file/,
      ),
      'vcenters.0.password: must be 1 to 1024 characters (or set passwordFile); it is not set (set it in the config file)',
    ]);
    expect(problems.join()).not.toContain('too-short-secret');
  });

  it('checks a vCenter password file at load, and refuses a password given twice or a URL with credentials', () => {
    const password = yamlFile('hunter2\n');
    const file = yamlFile(
      [
        'secrets:',
        `  encryptionKey: ${key}`,
        'vcenters:',
        '  - { name: vc1, sdkUrl: "https://vc1/sdk", username: u, passwordFile: /nonexistent/pw }',
        `  - { name: vc2, sdkUrl: "https://vc2/sdk", username: u, password: pw, passwordFile: ${password} }`,
        `  - { name: vc3, sdkUrl: "https://u:pw@vc3/sdk", username: u, passwordFile: ${password} }`,
        `  - { name: vc4, sdkUrl: "https://vc4/sdk", username: u, passwordFile: ${password} }`,
      ].join('\n'),
    );
    expect(problemsOf(() => loadConfig(ControllerConfig, { file, env: {} }))).toEqual([
      'vcenters.0.passwordFile: must name a readable regular file; got "/nonexistent/pw" from file ' + file,
      expect.stringMatching(/^vcenters\.1\.passwordFile: give password or passwordFile, not both; got/),
      expect.stringMatching(/^vcenters\.2\.sdkUrl: must be an http\(s\) URL without user:password@; got/),
    ]);
  });
});

describe('describeConfig', () => {
  it('lists every key with its environment variable and default', () => {
    const keys = describeConfig(AggregatorConfig);
    expect(keys.map((k) => k.key)).toEqual([
      'http.host',
      'http.port',
      'http.bodyLimitBytes',
      'http.requestTimeoutSeconds',
      'http.tls.certFile',
      'http.tls.keyFile',
      'http.tls.clientCaFile',
      'database.url',
      'database.migrate',
      'database.poolSize',
      'database.embedded.dataDir',
      'database.embedded.port',
      'database.embedded.timeoutSeconds',
      'chargeback.timeZone',
      'chargeback.pools.tin',
      'chargeback.pools.bronze',
      'chargeback.pools.silver',
      'chargeback.pools.gold',
      'chargeback.priceCards',
      'chargeback.filters.excludedTenants',
      'chargeback.filters.perNodeClusters',
      'chargeback.filters.srmActiveActiveVcenters',
      'auth.tokens',
      'schedule.enabled',
      'schedule.dailyCron',
      'schedule.monthlyCron',
      'schedule.retentionCron',
      'retention.hourlyDays',
      'retention.dailyMonths',
      'retention.eventDays',
      'reports.dir',
      'reports.afterJobs',
      'reports.keep',
      'reports.maxAgeDays',
      'pages.controllerUrl',
      'pages.controllerToken',
      'pages.sessionSecret',
      'pages.sessionHours',
      'uploads.maxBytes',
      'uploads.maxFiles',
      'uploads.maxRatio',
      'uploads.spoolDirectory',
      'log.level',
    ]);
    expect(keys.find((k) => k.key === 'pages.sessionSecret')?.secret).toBe(true);
    expect(keys.find((k) => k.key === 'pages.controllerToken')?.secret).toBe(true);
    expect(keys.find((k) => k.key === 'database.embedded.dataDir')).toMatchObject({
      env: 'VCC_DATABASE_EMBEDDED_DATA_DIR',
      defaultValue: './data/postgres',
      kind: 'string',
    });
    expect(keys.find((k) => k.key === 'database.url')?.secret).toBe(true);
  });

  it('derives environment names from camelCase keys', () => {
    expect(envName(['http', 'bodyLimitBytes'])).toBe('VCC_HTTP_BODY_LIMIT_BYTES');
  });
});

describe('required keys', () => {
  it('names a missing required key and the variable that would set it', () => {
    const problems = problemsOf(() => loadConfig(ControllerConfig, { env: {} }));
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^secrets\.encryptionKey: .*; it is not set \(set it in the config file or VCC_SECRETS_ENCRYPTION_KEY\)$/,
      ),
    );
  });
});
