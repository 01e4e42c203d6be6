import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { ControllerConfig } from '@vcc/config';

/** Marks an ingest route: its body may be up to `ingest.bodyLimitBytes` instead of `http.bodyLimitBytes`. */
export const IngestRoute = (): MethodDecorator => RouteConfig({ vccIngest: true });

/**
 * Raises Fastify's body limit on ingest routes only: a snapshot shard of 20,000 VMs is about
 * 11 MB of JSON, while every other route keeps the small global limit.
 */
@Injectable()
export class IngestBodyLimitHook {
  constructor(adapterHost: HttpAdapterHost, config: ControllerConfig) {
    // Routes are registered when the app initialises, after providers are built.
    adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('onRoute', (route) => {
      if ((route.config as { vccIngest?: boolean } | undefined)?.vccIngest) {
        route.bodyLimit = config.ingest.bodyLimitBytes;
      }
    });
  }
}
