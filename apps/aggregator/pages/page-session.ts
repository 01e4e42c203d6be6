import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerPrincipal, TokenRegistry, type Principal } from '@vcc/auth';
import { AggregatorConfig } from '@vcc/config';

export const SESSION_COOKIE = 'vcc_session';
export const PAGES_PATH = '/pages';

/** Roles that may read the pages; a collector token may not. */
const PAGE_ROLES = new Set(['admin', 'reader']);

/**
 * Who is looking at a page: a bearer token as on the API, or the session cookie the login form
 * set. The cookie holds the token's name and role and an expiry, signed by @fastify/cookie (HMAC
 * with pages.sessionSecret), never the token itself; it is accepted only while a token of that
 * name and role is still configured.
 */
@Injectable()
export class PageSession {
  private readonly sessionSeconds: number;

  constructor(
    private readonly tokens: TokenRegistry,
    config: AggregatorConfig,
  ) {
    this.sessionSeconds = config.pages.sessionHours * 3600;
  }

  /** The principal of a request, or why there is none: `missing` (no credentials) or `invalid`. */
  identify(request: FastifyRequest): Principal | 'missing' | 'invalid' | 'forbidden' {
    const header = request.headers.authorization;
    const principal = header ? bearerPrincipal(this.tokens, header) : this.fromCookie(request);
    if (!principal) return header ? 'invalid' : 'missing';
    return PAGE_ROLES.has(principal.role) ? principal : 'forbidden';
  }

  /** Logs in with a token: the principal (and the cookie set), or why not. */
  login(token: string, request: FastifyRequest, reply: FastifyReply): Principal | 'invalid' | 'forbidden' {
    const principal = this.tokens.identify(token);
    if (!principal) return 'invalid';
    if (!PAGE_ROLES.has(principal.role)) return 'forbidden';
    const expires = Math.floor(Date.now() / 1000) + this.sessionSeconds;
    void reply.setCookie(SESSION_COOKIE, `${expires}:${principal.role}:${principal.name}`, {
      path: PAGES_PATH,
      httpOnly: true,
      sameSite: 'strict',
      secure: request.protocol === 'https',
      signed: true,
      maxAge: this.sessionSeconds,
    });
    return principal;
  }

  logout(reply: FastifyReply): void {
    void reply.clearCookie(SESSION_COOKIE, { path: PAGES_PATH });
  }

  private fromCookie(request: FastifyRequest): Principal | undefined {
    const raw = request.cookies[SESSION_COOKIE];
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || unsigned.value === null) return undefined;
    const match = /^(\d+):(admin|reader|collector):(.+)$/.exec(unsigned.value);
    if (!match || Number(match[1]) * 1000 <= Date.now()) return undefined;
    const principal = { name: match[3], role: match[2] as Principal['role'] };
    return this.tokens.has(principal) ? principal : undefined;
  }
}
