import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import { registerDecorator } from 'class-validator';
import { readRegularFile } from './config-loader';

export type PemKind = 'certificate' | 'private key';

/**
 * What is wrong with a PEM file, or undefined when it holds a `kind` (a private key must also be the
 * one of the certificate in `certificateFile`, when that one is readable).
 */
function pemFileProblem(kind: PemKind, file: string, certificateFile?: string): string | undefined {
  let text: string;
  try {
    text = readRegularFile(file);
  } catch (error) {
    return `cannot read it: ${(error as Error).message}`;
  }
  let pem: X509Certificate | KeyObject;
  try {
    pem = kind === 'certificate' ? new X509Certificate(text) : createPrivateKey(text);
  } catch {
    return kind === 'certificate' ? 'holds no PEM certificate' : 'holds no unencrypted PEM private key';
  }
  if (pem instanceof KeyObject && certificateFile !== undefined) {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(readRegularFile(certificateFile));
    } catch {
      return undefined; // the certificate's own key reports it
    }
    if (!certificate.checkPrivateKey(pem)) return `is not the key of the certificate in ${certificateFile}`;
  }
  return undefined;
}

/**
 * A readable PEM file holding a certificate (the first of a chain or bundle) or an unencrypted
 * private key, checked with the rest of the configuration so that a bad path stops the app at start
 * with the key named, not at the first TLS handshake. `certificateKey` names the sibling key whose
 * certificate a private key must match.
 */
export function IsPemFile(kind: 'certificate'): PropertyDecorator;
export function IsPemFile(kind: 'private key', certificateKey: string): PropertyDecorator;
export function IsPemFile(kind: PemKind, certificateKey?: string): PropertyDecorator {
  const problemOf = (value: unknown, object: object): string | undefined => {
    if (typeof value !== 'string') return undefined; // @IsString or @IsOptional say what is wrong
    const certificateFile = certificateKey ? (object as Record<string, unknown>)[certificateKey] : undefined;
    return pemFileProblem(kind, value, typeof certificateFile === 'string' ? certificateFile : undefined);
  };
  return (target, propertyName) =>
    registerDecorator({
      name: 'isPemFile',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown, args) => problemOf(value, args!.object) === undefined,
        defaultMessage: (args) => `must name a PEM ${kind} file: ${problemOf(args!.value, args!.object)}`,
      },
    });
}
