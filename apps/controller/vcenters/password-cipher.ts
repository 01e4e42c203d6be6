import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12; // the size GCM is specified for
const TAG_BYTES = 16;

/**
 * Encrypts vCenter passwords at rest with AES-256-GCM: `enc:v1:` + base64(iv | tag | ciphertext),
 * a fresh random IV each time. The version prefix leaves room for another scheme or key later.
 */
export class PasswordCipher {
  private readonly key: Buffer;

  constructor(base64Key: string) {
    this.key = Buffer.from(base64Key.trim(), 'base64');
    if (this.key.length !== 32) throw new Error('the encryption key must be 32 bytes');
  }

  encrypt(password: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
  }

  /** Throws when the value was not made by `encrypt` with this key (tampered, or another key). */
  decrypt(stored: string): string {
    if (!stored.startsWith(PREFIX)) throw new Error(`not an ${PREFIX} value`);
    const packed = Buffer.from(stored.slice(PREFIX.length), 'base64');
    if (packed.length < IV_BYTES + TAG_BYTES) throw new Error(`truncated ${PREFIX} value`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, packed.subarray(0, IV_BYTES));
    decipher.setAuthTag(packed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(packed.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new Error('cannot decrypt: the value was encrypted with another key or altered');
    }
  }
}
