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
import { isPublicRoute } from '@vcc/platform';
import { ROLES_METADATA } from './roles.decorator';
import { TokenRegistry, type Principal } from './token-registry';

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** Who the `Authorization: Bearer <token>` header names, if the token is known. */
export function bearerPrincipal(tokens: TokenRegistry, header: string | undefined): Principal | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match ? tokens.identify(match[1]) : undefined;
}

export function unauthorizedMessage(header: string | undefined): string {
  return header ? 'the bearer token is not valid' : 'missing Authorization: Bearer <token> header';
}

/**
 * Every route but those marked @PublicRoute needs `Authorization: Bearer <token>` (401 without a
 * known token) and a token whose role the route lists with @Roles (403 otherwise). A route that
 * lists no roles is closed to everyone, so forgetting @Roles fails safe. BearerAuthHook has
 * usually authenticated the request already, before its body was read.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenRegistry,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    if (isPublicRoute(request)) return true;
    const header = request.headers.authorization;
    const principal = request.principal ?? bearerPrincipal(this.tokens, header);
    if (!principal) {
      void http.getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException(unauthorizedMessage(header));
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
