import { randomBytes } from 'node:crypto';
import { PasswordCipher } from './password-cipher';

const key = randomBytes(32).toString('base64');

describe('PasswordCipher', () => {
  const cipher = new PasswordCipher(key);

  it('round-trips, with the enc:v1: prefix and nothing of the plaintext in the stored value', () => {
    const stored = cipher.encrypt('VMware1!ünïcode');
    expect(stored).toMatch(/^enc:v1:[A-Za-z0-9+/]+=*$/);
    expect(stored).not.toContain('VMware1!');
    expect(cipher.decrypt(stored)).toBe('VMware1!ünïcode');
  });

  it('uses a fresh IV every time', () => {
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('refuses another key, an altered value and values it did not make', () => {
    const stored = cipher.encrypt('secret');
    expect(() => new PasswordCipher(randomBytes(32).toString('base64')).decrypt(stored)).toThrow(
      /another key/,
    );
    const packed = Buffer.from(stored.slice('enc:v1:'.length), 'base64');
    packed[packed.length - 1] ^= 1;
    expect(() => cipher.decrypt(`enc:v1:${packed.toString('base64')}`)).toThrow(/altered/);
    expect(() => cipher.decrypt('secret')).toThrow(/not an enc:v1: value/);
    expect(() => cipher.decrypt('enc:v1:AAAA')).toThrow(/truncated/);
  });

  it('insists on a 32-byte key', () => {
    expect(() => new PasswordCipher(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
