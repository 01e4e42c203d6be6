import { BadRequestException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { FastifyRequest } from 'fastify';

/**
 * The validation pipe sees only the inputs a handler declares, so a query parameter sent to a
 * route without @Query(), or a body sent to one without @Body(), would be ignored silently: a
 * typo'd filter would read as "no filter", and `POST /pause` with a stray body would act. Such
 * input gets the same 400 naming the field as an unknown field of a declared DTO, and so does a
 * query string that is not UTF-8.
 */
export class UndeclaredInputGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const declared = new Set(
      Object.keys(
        (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ??
          {}) as Record<string, unknown>,
      ).map((key) => Number(key.split(':')[0])),
    );
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    // Fastify's query parser turns bytes that are not UTF-8 into U+FFFD without complaint.
    const rawQuery = request.raw.url?.split('?')[1];
    if (rawQuery !== undefined && !decodes(rawQuery))
      throw undeclared(['query'], () => 'the query string is not valid UTF-8');
    if (!declared.has(RouteParamtypes.QUERY)) {
      const names = Object.keys((request.query ?? {}) as Record<string, unknown>);
      if (names.length) throw undeclared(names, (name) => `${name} is not an accepted query parameter`);
    }
    const bodyDeclared = [
      RouteParamtypes.BODY,
      RouteParamtypes.RAW_BODY,
      RouteParamtypes.FILE,
      RouteParamtypes.FILES,
    ].some((type) => declared.has(type));
    if (!bodyDeclared && !isEmpty(request.body)) throw undeclared(['body'], () => 'this route takes no body');
    return true;
  }
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/** No body, or an empty JSON object (what some clients send on every POST). */
function isEmpty(body: unknown): boolean {
  if (body === undefined || body === null) return true;
  return (
    typeof body === 'object' && !Array.isArray(body) && !Buffer.isBuffer(body) && !Object.keys(body).length
  );
}

function undeclared(names: string[], problem: (name: string) => string): BadRequestException {
  const fields = names.map((field) => ({ field, problems: [problem(field)] }));
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: fields.flatMap((f) => f.problems).join('; '),
    fields,
  });
}
