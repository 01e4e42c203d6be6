import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { isPublicRoute } from '@vcc/platform';
import { bearerPrincipal, unauthorizedMessage, type AuthenticatedRequest } from './bearer-auth.guard';
import { TokenRegistry } from './token-registry';

/**
 * Authenticates in Fastify's onRequest hook, before any of the body is read: the token is in the
 * headers, so a request without a known one costs a header check instead of a parsed body of up
 * to the ingest limit. Roles are checked afterwards by BearerAuthGuard, which knows the handler.
 */
@Injectable()
export class BearerAuthHook {
  constructor(adapterHost: HttpAdapterHost, tokens: TokenRegistry) {
    adapterHost.httpAdapter
      .getInstance<FastifyInstance>()
      .addHook('onRequest', async (request: AuthenticatedRequest, reply) => {
        if (isPublicRoute(request)) return;
        const header = request.headers.authorization;
        const principal = bearerPrincipal(tokens, header);
        if (principal) {
          request.principal = principal;
          return;
        }
        // Closing the connection spares reading a body that nobody will look at.
        return reply
          .code(401)
          .header('WWW-Authenticate', 'Bearer')
          .header('Connection', 'close')
          .send({ statusCode: 401, error: 'Unauthorized', message: unauthorizedMessage(header) });
      });
  }
}
