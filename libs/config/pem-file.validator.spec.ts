import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { AggregatorConfig, CollectorConfig, ConfigError, loadConfig, SimulatorConfig } from '.';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('TLS files in the configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vcc-tls-'));
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  let cert: string;
  let key: string;
  let otherKey: string;

  beforeAll(async () => {
    const pair = await generate([{ name: 'commonName', value: 'vcc-test' }], { keyType: 'ec' });
    const other = await generate([{ name: 'commonName', value: 'other' }], { keyType: 'ec' });
    cert = file('cert.pem', pair.cert);
    key = file('key.pem', pair.private);
    otherKey = file('other-key.pem', other.private);
  });

  it('takes a certificate, its key and a client CA for any app', () => {
    const env = {
      VCC_HTTP_TLS_CERT_FILE: cert,
      VCC_HTTP_TLS_KEY_FILE: key,
      VCC_HTTP_TLS_CLIENT_CA_FILE: cert,
    };
    expect(loadConfig(AggregatorConfig, { env }).http.tls).toEqual({
      certFile: cert,
      keyFile: key,
      clientCaFile: cert,
    });
    expect(loadConfig(SimulatorConfig, { env }).http.tls).toMatchObject({
      certFile: cert,
      selfSigned: false,
    });
    expect(loadConfig(AggregatorConfig, { env: {} }).http.tls).toEqual({});
  });

  it('requires the certificate and the key together, and a certificate for a client CA', () => {
    expect(problemsOf(() => loadConfig(AggregatorConfig, { env: { VCC_HTTP_TLS_CERT_FILE: cert } }))).toEqual(
      [
        'http.tls.keyFile: is required when certFile is set; it is not set (set it in the config file or VCC_HTTP_TLS_KEY_FILE)',
      ],
    );
    expect(problemsOf(() => loadConfig(AggregatorConfig, { env: { VCC_HTTP_TLS_KEY_FILE: key } }))).toEqual([
      'http.tls.certFile: is required when keyFile or clientCaFile is set; it is not set (set it in the config file or VCC_HTTP_TLS_CERT_FILE)',
    ]);
    expect(
      problemsOf(() => loadConfig(AggregatorConfig, { env: { VCC_HTTP_TLS_CLIENT_CA_FILE: cert } })),
    ).toEqual([
      expect.stringMatching(/^http\.tls\.certFile: is required when keyFile or clientCaFile is set/),
    ]);
  });

  it('names the key of a file that is missing, not a file, not PEM, or a key of another certificate', () => {
    const directory = join(dir, 'a-directory');
    mkdirSync(directory, { recursive: true });
    const notPem = file('not.pem', 'hello\n');
    const env = {
      VCC_HTTP_TLS_CERT_FILE: notPem,
      VCC_HTTP_TLS_KEY_FILE: join(dir, 'missing.pem'),
      VCC_HTTP_TLS_CLIENT_CA_FILE: directory,
    };
    expect(problemsOf(() => loadConfig(AggregatorConfig, { env }))).toEqual([
      `http.tls.certFile: must name a PEM certificate file: holds no PEM certificate; got "${notPem}" from VCC_HTTP_TLS_CERT_FILE`,
      `http.tls.clientCaFile: must name a PEM certificate file: cannot read it: not a regular file; got "${directory}" from VCC_HTTP_TLS_CLIENT_CA_FILE`,
      `http.tls.keyFile: must name a PEM private key file: cannot read it: not found; got "${join(dir, 'missing.pem')}" from VCC_HTTP_TLS_KEY_FILE`,
    ]);
    expect(
      problemsOf(() =>
        loadConfig(AggregatorConfig, {
          env: { VCC_HTTP_TLS_CERT_FILE: cert, VCC_HTTP_TLS_KEY_FILE: otherKey },
        }),
      ),
    ).toEqual([
      `http.tls.keyFile: must name a PEM private key file: is not the key of the certificate in ${cert}; got "${otherKey}" from VCC_HTTP_TLS_KEY_FILE`,
    ]);
    // The certificate as the key: a PEM file, but not of a private key.
    expect(
      problemsOf(() =>
        loadConfig(AggregatorConfig, { env: { VCC_HTTP_TLS_CERT_FILE: cert, VCC_HTTP_TLS_KEY_FILE: cert } }),
      ),
    ).toEqual([
      expect.stringContaining(
        'http.tls.keyFile: must name a PEM private key file: holds no unencrypted PEM private key',
      ),
    ]);
  });

  it("checks the collector's CA and client certificate for the controller the same way", () => {
    const base = { VCC_CONTROLLER_URL: 'https://127.0.0.1:8080', VCC_CONTROLLER_TOKEN: 'token' };
    const config = loadConfig(CollectorConfig, {
      env: {
        ...base,
        VCC_CONTROLLER_CA_FILE: cert,
        VCC_CONTROLLER_CERT_FILE: cert,
        VCC_CONTROLLER_KEY_FILE: key,
      },
    });
    expect(config.controller).toMatchObject({ caFile: cert, certFile: cert, keyFile: key, insecure: false });
    expect(
      problemsOf(() =>
        loadConfig(CollectorConfig, {
          env: { ...base, VCC_CONTROLLER_CA_FILE: join(dir, 'missing.pem'), VCC_CONTROLLER_CERT_FILE: cert },
        }),
      ),
    ).toEqual([
      `controller.caFile: must name a PEM certificate file: cannot read it: not found; got "${join(dir, 'missing.pem')}" from VCC_CONTROLLER_CA_FILE`,
      'controller.keyFile: is required when certFile is set; it is not set (set it in the config file or VCC_CONTROLLER_KEY_FILE)',
    ]);
  });
});
