import { Controller, Get, Header, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { collectDefaultMetrics, register } from 'prom-client';
import { PublicRoute } from './public-route';

let defaultsCollected = false;

/**
 * Prometheus exposition of prom-client's default registry: process metrics prefixed `vcc_` plus
 * whatever the app registers there.
 */
@Controller('metrics')
export class MetricsController {
  constructor() {
    if (!defaultsCollected) {
      collectDefaultMetrics({ prefix: 'vcc_' });
      defaultsCollected = true;
    }
  }

  @Get()
  @PublicRoute()
  @Header('Cache-Control', 'no-store')
  async get(@Res() reply: FastifyReply): Promise<void> {
    await reply.header('Content-Type', register.contentType).send(await register.metrics());
  }
}
