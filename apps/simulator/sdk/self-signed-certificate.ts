import { generate } from 'selfsigned';
import type pino from 'pino';
import type { TlsKeyPair } from '@vcc/platform';

/** A fresh self-signed certificate for the simulator's HTTPS, as a new vCenter has one. */
export async function selfSignedCertificate(host: string, logger: pino.Logger): Promise<TlsKeyPair> {
  const started = performance.now();
  const pems = await generate([{ name: 'commonName', value: 'vcc-simulator' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          ...(host !== '127.0.0.1' && host !== '0.0.0.0' ? [{ type: 2 as const, value: host }] : []),
        ],
      },
    ],
  });
  logger.info(
    { context: 'Tls', fingerprint: pems.fingerprint },
    `generated a self-signed certificate in ${Math.round(performance.now() - started)} ms`,
  );
  return { key: pems.private, cert: pems.cert };
}
