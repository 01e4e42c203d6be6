import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { PublicRouteConfig } from '@vcc/platform';

const OPENAPI_PATH = 'api/docs';

/**
 * Serves the OpenAPI document at /api/docs (Swagger UI), /api/docs-json and /api/docs-yaml, to
 * anyone: it describes the API, it holds nothing of the cluster.
 */
export function setupOpenApi(app: NestFastifyApplication, version: string): void {
  // Swagger registers its routes on Fastify directly, so they are marked public as they come.
  (app.getHttpAdapter().getInstance() as FastifyInstance).addHook('onRoute', (route) => {
    if (route.url.startsWith(`/${OPENAPI_PATH}`)) {
      route.config = { ...route.config, vccPublic: true } as typeof route.config & PublicRouteConfig;
    }
  });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('vcc controller')
      .setDescription(
        'vCenter catalogue, collector membership and group assignment, rebalancing, inventory and event ingest. ' +
          'Every route needs Authorization: Bearer <token> with one of the roles it names.',
      )
      .setVersion(version)
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup(OPENAPI_PATH, app, document);
}
