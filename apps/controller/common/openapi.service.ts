import { Injectable, type INestApplication, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef, type NestContainer } from '@nestjs/core';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppIdentity } from '@vcc/platform';

export const OPENAPI_PATH = 'api/docs';

/**
 * Serves the OpenAPI document at /api/docs (Swagger UI), /api/docs-json and /api/docs-yaml.
 * runApp does not hand the application object to apps, and SwaggerModule needs only these parts
 * of it: the module container, the application config and the HTTP adapter. It runs while the app
 * initialises, after its routes are known and before it listens.
 */
@Injectable()
export class OpenApiService implements OnApplicationBootstrap {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly adapterHost: HttpAdapterHost,
    private readonly identity: AppIdentity,
  ) {}

  onApplicationBootstrap(): void {
    const container = (this.moduleRef as unknown as { container: NestContainer }).container;
    const adapter = this.adapterHost.httpAdapter as unknown as FastifyAdapter;
    const app = {
      container,
      config: container.applicationConfig,
      getHttpAdapter: () => adapter,
      useStaticAssets: (options: Parameters<FastifyAdapter['useStaticAssets']>[0]) =>
        adapter.useStaticAssets(options),
    } as unknown as INestApplication;
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('vcc controller')
        .setDescription(
          'vCenter catalogue, collector membership and group assignment, rebalancing, inventory and event ingest. ' +
            'Every route needs Authorization: Bearer <token> with one of the roles it names.',
        )
        .setVersion(this.identity.version)
        .addBearerAuth()
        .build(),
    );
    SwaggerModule.setup(OPENAPI_PATH, app, document);
  }
}
