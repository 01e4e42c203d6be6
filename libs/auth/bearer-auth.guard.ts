import {
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TokenRole } from '@vcc/config';
import { HealthController, MetricsController } from '@vcc/platform';
import { ROLES_METADATA } from './roles.decorator';
import { TokenRegistry, type Principal } from './token-registry';

/** Probes and scrapers do not carry tokens. */
const PUBLIC_CONTROLLERS: unknown[] = [HealthController, MetricsController];

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/**
 * Every route needs `Authorization: Bearer <token>` (401 without a known token) and a token whose
 * role the route lists with @Roles (403 otherwise). A route that lists no roles is closed to
 * everyone, so forgetting @Roles fails safe.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenRegistry,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (PUBLIC_CONTROLLERS.includes(context.getClass())) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
    const principal = match ? this.tokens.identify(match[1]) : undefined;
    if (!principal) {
      void http.getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException(
        header ? 'the bearer token is not valid' : 'missing Authorization: Bearer <token> header',
      );
    }
    request.principal = principal;
    const roles =
      this.reflector.getAllAndOverride<TokenRole[] | undefined>(ROLES_METADATA, [
        context.getHandler(),
        context.getClass(),
      ]) ?? [];
    if (!roles.includes(principal.role)) {
      throw new ForbiddenException(
        `the ${principal.role} role may not do this${roles.length ? ` (needs ${roles.join(' or ')})` : ''}`,
      );
    }
    return true;
  }
}
