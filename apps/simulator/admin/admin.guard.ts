import {
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { SimulatorConfig } from '@vcc/config';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** The admin API takes `Authorization: Bearer <admin.token>`; it is off when no token is configured. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly config: SimulatorConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.admin.token;
    if (!expected)
      throw new ForbiddenException('the admin API is off: set admin.token (VCC_ADMIN_TOKEN) to turn it on');
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    const wanted = Buffer.from(expected);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
      throw new UnauthorizedException(
        'an admin bearer token is required: Authorization: Bearer <admin.token>',
      );
    return true;
  }
}
