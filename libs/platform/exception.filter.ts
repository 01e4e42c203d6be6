import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ExceptionFilter,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { redactUrl } from './logging';

/**
 * Errors that say a backing service (the database) cannot be reached rather than that the request
 * or the code is wrong: socket errors, and PostgreSQL's connection exceptions (SQLSTATE class 08),
 * operator intervention (57P01-57P03: shutdown, crash, starting up) and too many connections.
 */
const UNAVAILABLE_CODES =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|08...|57P0[123]|53300)$/;

export function isServiceUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if (UNAVAILABLE_CODES.test(String((error as { code?: unknown }).code))) return true;
  if (
    error instanceof AggregateError &&
    error.errors.some((inner) => isServiceUnavailable(inner, depth + 1))
  ) {
    return true;
  }
  // TypeORM keeps the driver's error as driverError.
  const cause = (error as { driverError?: unknown }).driverError ?? error.cause;
  return isServiceUnavailable(cause, depth + 1);
}

/**
 * HTTP errors pass through as they are; an unreachable backing service is a 503 with Retry-After.
 * Anything else becomes a 500 that reveals nothing but a correlation id, which is also in the
 * error's log line.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      void reply
        .status(exception.getStatus())
        .send(typeof body === 'string' ? { statusCode: exception.getStatus(), message: body } : body);
      return;
    }
    // Fastify's own errors (body too large, bad JSON, wrong content type) carry their status code.
    const status = (exception as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      void reply.status(status).send({ statusCode: status, message: (exception as Error).message });
      return;
    }
    const correlationId = randomUUID();
    if (isServiceUnavailable(exception)) {
      this.logger.error(
        { correlationId, method: request.method, url: redactUrl(request.url), err: exception },
        'a backing service is unavailable',
      );
      void reply.status(HttpStatus.SERVICE_UNAVAILABLE).header('Retry-After', '5').send({
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        message: 'Service unavailable: the database cannot be reached, try again later',
        correlationId,
      });
      return;
    }
    this.logger.error(
      { correlationId, method: request.method, url: redactUrl(request.url), err: exception },
      'unhandled error in request',
    );
    void reply.status(HttpStatus.INTERNAL_SERVER_ERROR).send({
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      message: 'Internal server error',
      correlationId,
    });
  }
}
