import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { PublicRouteConfig } from './public-route';

const OPENAPI_PATH = 'api/docs';

/**
 * Serves an app's OpenAPI document at /api/docs (Swagger UI), /api/docs-json and /api/docs-yaml, to
 * anyone: it describes the API, it holds nothing of the cluster.
 */
export function setupOpenApi(
  app: NestFastifyApplication,
  document: { title: string; description: string; version: string },
): void {
  // Swagger registers its routes on Fastify directly, so they are marked public as they come.
  (app.getHttpAdapter().getInstance() as FastifyInstance).addHook('onRoute', (route) => {
    if (route.url.startsWith(`/${OPENAPI_PATH}`)) {
      route.config = { ...route.config, vccPublic: true } as typeof route.config & PublicRouteConfig;
    }
  });
  const openApi = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(document.title)
      .setDescription(
        `${document.description} Every route needs Authorization: Bearer <token> with one of the roles it names.`,
      )
      .setVersion(document.version)
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup(OPENAPI_PATH, app, openApi);
}
