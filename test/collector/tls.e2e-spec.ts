import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { Agent } from 'undici';
import { runApp, type RunningApp } from '../support/apps';
import { waitFor } from '../support/processes';
import { startInfluxDb, type TimeSeriesServer } from '../support/time-series';
import { Cluster, createInfluxDatabase, waitForCycles } from './cluster';

/** PEM files of a private CA, a controller certificate for 127.0.0.1 and a collector certificate, both signed by it. */
async function makeCertificates(): Promise<
  Record<'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey', string>
> {
  const dir = mkdtempSync(join(tmpdir(), 'vcc-tls-e2e-'));
  const write = (name: string, pem: string): string => {
    writeFileSync(join(dir, name), pem);
    return join(dir, name);
  };
  const ca = await generate([{ name: 'commonName', value: 'vcc e2e CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const signedBy = { key: ca.private, cert: ca.cert };
  const server = await generate([{ name: 'commonName', value: 'controller' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: signedBy,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  const client = await generate([{ name: 'commonName', value: 'collector' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: signedBy,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  return {
    ca: write('ca.pem', ca.cert),
    serverCert: write('controller.pem', server.cert),
    serverKey: write('controller-key.pem', server.private),
    clientCert: write('collector.pem', client.cert),
    clientKey: write('collector-key.pem', client.private),
  };
}

async function health(app: RunningApp): Promise<{ status: number; collector: Record<string, unknown> }> {
  const response = await fetch(`${app.url}/health`);
  const body = (await response.json()) as { checks: { collector: Record<string, unknown> } };
  return { status: response.status, collector: body.checks.collector };
}

// The controller on HTTPS with a certificate of a private CA, asking every client for a certificate of that CA.
describe('TLS between collectors and the controller', () => {
  jest.setTimeout(5 * 60_000);
  let files: Awaited<ReturnType<typeof makeCertificates>>;
  let influx: TimeSeriesServer;
  let cluster: Cluster;
  beforeAll(async () => {
    [files, influx] = await Promise.all([makeCertificates(), startInfluxDb()]);
    await createInfluxDatabase(influx);
    cluster = await Cluster.start({
      sink: { kind: 'influxdb-v1', server: influx },
      controller: {
        VCC_HTTP_TLS_CERT_FILE: files.serverCert,
        VCC_HTTP_TLS_KEY_FILE: files.serverKey,
        VCC_HTTP_TLS_CLIENT_CA_FILE: files.ca,
      },
    });
  });
  afterAll(async () => {
    await cluster?.stop();
    await influx?.stop();
  });

  it('serves HTTPS, and refuses a client without a certificate of the client CA before any route', async () => {
    expect(cluster.controller.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const pem = (file: string): string => readFileSync(file, 'utf8');
    const trusted = new Agent({
      connect: { ca: pem(files.ca), cert: pem(files.clientCert), key: pem(files.clientKey) },
    });
    const anonymous = new Agent({ connect: { ca: pem(files.ca) } });

    const ok = await fetch(`${cluster.controller.url}/health`, { dispatcher: trusted } as RequestInit);
    // The same CA trusted, but no certificate shown: the handshake fails, no route answers.
    const refused = fetch(`${cluster.controller.url}/health`, { dispatcher: anonymous } as RequestInit);
    await expect(refused).rejects.toThrow('fetch failed');
    await Promise.all([trusted.close(), anonymous.close()]);
    expect(ok.status).toBe(200);
  });

  it('a collector trusting the CA registers and collects; one that does not refuses the controller and says why', async () => {
    const clientCertificate = {
      VCC_CONTROLLER_CERT_FILE: files.clientCert,
      VCC_CONTROLLER_KEY_FILE: files.clientKey,
    };
    const [trusting, distrusting] = await Promise.all([
      cluster.startCollector('trusting', { ...clientCertificate, VCC_CONTROLLER_CA_FILE: files.ca }),
      cluster.startCollector('distrusting', clientCertificate),
    ]);
    const refusal = await waitFor('the distrusting collector to give up on registering', async () =>
      distrusting.logs().find((l) => /^cannot register/.test(String(l.message))),
    );
    const refusedHealth = await health(distrusting);
    await waitForCycles(trusting, 1);
    const trustingHealth = await health(trusting);

    expect(refusal.message).toMatch(
      // The controller sends its CA along (it is its client CA too), hence "in chain".
      /^cannot register with the controller: POST \/api\/v1\/collectors\/register: the controller's TLS certificate was refused \(SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain\); controller\.caFile must name the CA that signed it; retrying in \d+ s$/,
    );
    expect(refusedHealth.status).toBe(503);
    expect(refusedHealth.collector).toMatchObject({
      status: 'failing',
      error: expect.stringContaining(
        "the controller's TLS certificate was refused (SELF_SIGNED_CERT_IN_CHAIN",
      ),
      collectorId: null,
    });
    expect(trusting.logs().some((l) => /^registered as /.test(String(l.message)))).toBe(true);
    // Cycles come every 2 s on the test time scale: one or more may have finished by now.
    expect(trustingHealth.status).toBe(200);
    expect(trustingHealth.collector.cycles).toBeGreaterThanOrEqual(1);
  });

  it('will not start on a certificate without its key, naming the key (exit 2)', async () => {
    const result = await runApp('controller', [], { VCC_HTTP_TLS_CERT_FILE: files.serverCert });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'http.tls.keyFile: is required when certFile is set; it is not set (set it in the config file or VCC_HTTP_TLS_KEY_FILE)',
    );
  });
});
