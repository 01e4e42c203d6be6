import { Controller, Get, HttpStatus, Injectable, Res } from '@nestjs/common';
import { PublicRoute } from './public-route';
import type { FastifyReply } from 'fastify';

export type HealthCheck = () => Promise<Record<string, unknown> | void>;

/** Which app this process is; provided by the platform module. */
export class AppIdentity {
  constructor(
    readonly name: string,
    readonly version: string,
  ) {}
}

/** Named checks that apps register; `/health` answers 503 when any of them throws. */
@Injectable()
export class HealthService {
  private readonly checks = new Map<string, HealthCheck>();
  private readonly startedAt = Date.now();

  constructor(private readonly app: AppIdentity) {}

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  async report(): Promise<{ healthy: boolean; body: Record<string, unknown> }> {
    const checks: Record<string, unknown> = {};
    let healthy = true;
    for (const [name, check] of this.checks) {
      try {
        checks[name] = { status: 'ok', ...(await check()) };
      } catch (error) {
        healthy = false;
        // A check may attach what it knows (error.details) so that a failing report still explains itself.
        const details = (error as { details?: Record<string, unknown> }).details;
        checks[name] = { status: 'failing', error: (error as Error).message, ...details };
      }
    }
    const body = {
      status: healthy ? 'ok' : 'failing',
      app: this.app.name,
      version: this.app.version,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      checks,
    };
    return { healthy, body };
  }
}

@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @PublicRoute()
  async get(@Res() reply: FastifyReply): Promise<void> {
    const { healthy, body } = await this.health.report();
    await reply.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send(body);
  }
}
