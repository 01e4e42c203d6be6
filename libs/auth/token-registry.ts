import { createHash, timingSafeEqual } from 'node:crypto';
import type { TokenConfig, TokenRole } from '@vcc/config';

/** Who made a request: the configured token's name and role, never the token itself. */
export interface Principal {
  name: string;
  role: TokenRole;
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * The configured bearer tokens. Lookup compares SHA-256 digests with timingSafeEqual against every
 * token without stopping at a match, so the response time tells nothing about how much of a guess
 * was right or which token matched.
 */
export class TokenRegistry {
  private readonly entries: { digest: Buffer; principal: Principal }[];

  constructor(tokens: readonly TokenConfig[]) {
    this.entries = tokens.map((entry) => ({
      digest: digest(entry.token),
      principal: { name: entry.name, role: entry.role },
    }));
  }

  identify(presented: string): Principal | undefined {
    const candidate = digest(presented);
    let found: Principal | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, candidate)) found = entry.principal;
    }
    return found;
  }

  /** Whether a token of this name and role is configured (a session names its token, never holds it). */
  has(principal: Principal): boolean {
    return this.entries.some(
      (entry) => entry.principal.name === principal.name && entry.principal.role === principal.role,
    );
  }

  countByRole(): Record<TokenRole, number> {
    const counts: Record<TokenRole, number> = { admin: 0, collector: 0, reader: 0, uploader: 0 };
    for (const entry of this.entries) counts[entry.principal.role]++;
    return counts;
  }
}
