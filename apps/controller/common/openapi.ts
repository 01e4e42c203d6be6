import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

const OPENAPI_PATH = 'api/docs';

/** Serves the OpenAPI document at /api/docs (Swagger UI), /api/docs-json and /api/docs-yaml. */
export function setupOpenApi(app: NestFastifyApplication, version: string): void {
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
