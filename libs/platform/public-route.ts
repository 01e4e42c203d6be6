import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

/** Fastify route config of a route anyone may call without a token. */
export interface PublicRouteConfig {
  vccPublic?: boolean;
}

/** Marks a handler as open to everyone: probes, scrapers, API documentation. */
export const PublicRoute = (): MethodDecorator =>
  RouteConfig({ vccPublic: true } satisfies PublicRouteConfig);

export function isPublicRoute(request: FastifyRequest): boolean {
  return (request.routeOptions?.config as PublicRouteConfig | undefined)?.vccPublic === true;
}
