import { TokenRegistry } from './token-registry';

const ADMIN = 'a'.repeat(40);
const COLLECTOR = 'c'.repeat(40);

describe('TokenRegistry', () => {
  const registry = new TokenRegistry([
    { name: 'ops', role: 'admin', token: ADMIN },
    { name: 'collectors', role: 'collector', token: COLLECTOR },
  ]);

  it('names the token and its role for a known token', () => {
    expect(registry.identify(ADMIN)).toEqual({ name: 'ops', role: 'admin' });
    expect(registry.identify(COLLECTOR)).toEqual({ name: 'collectors', role: 'collector' });
  });

  it('knows nothing of prefixes, extensions, other cases or the empty string', () => {
    for (const guess of [ADMIN.slice(0, 39), `${ADMIN}a`, ADMIN.toUpperCase(), '', ' ']) {
      expect(registry.identify(guess)).toBeUndefined();
    }
  });

  it('knows a configured principal by name and role', () => {
    expect(registry.has({ name: 'ops', role: 'admin' })).toBe(true);
    expect(registry.has({ name: 'ops', role: 'reader' })).toBe(false);
    expect(registry.has({ name: 'nobody', role: 'admin' })).toBe(false);
  });

  it('counts tokens by role', () => {
    expect(registry.countByRole()).toEqual({ admin: 1, collector: 1, reader: 0, uploader: 0 });
  });
});
