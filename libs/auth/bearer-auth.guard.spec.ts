import { Controller, ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { BearerAuthGuard, type AuthenticatedRequest } from './bearer-auth.guard';
import { Roles } from './roles.decorator';
import { TokenRegistry } from './token-registry';

const ADMIN = 'admin-token-0123456789abcdef0123456789';
const READER = 'reader-token-0123456789abcdef0123456789';

@Roles('admin', 'reader')
@Controller()
class SampleController {
  read(): void {}
  @Roles('admin')
  write(): void {}
}

@Controller()
class UndeclaredController {
  open(): void {}
}

function contextFor(
  controller: new (...args: never[]) => unknown,
  handler: string,
  authorization?: string,
  routeConfig: Record<string, unknown> = {},
): { context: ExecutionContext; request: AuthenticatedRequest; headers: Record<string, string> } {
  const request = {
    headers: authorization === undefined ? {} : { authorization },
    routeOptions: { config: routeConfig },
  } as unknown as AuthenticatedRequest;
  const headers: Record<string, string> = {};
  const reply = { header: (name: string, value: string) => (headers[name] = value) };
  const context = {
    getClass: () => controller,
    getHandler: () => (controller.prototype as Record<string, unknown>)[handler],
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ExecutionContext;
  return { context, request, headers };
}

describe('BearerAuthGuard', () => {
  const guard = new BearerAuthGuard(
    new TokenRegistry([
      { name: 'ops', role: 'admin', token: ADMIN },
      { name: 'grafana', role: 'reader', token: READER },
    ]),
    new Reflector(),
  );

  it('lets routes marked public through without a token', () => {
    expect(
      guard.canActivate(contextFor(UndeclaredController, 'open', undefined, { vccPublic: true }).context),
    ).toBe(true);
  });

  it('answers 401 with WWW-Authenticate when the header is missing, malformed or the token unknown', () => {
    for (const header of [undefined, ADMIN, `Basic ${ADMIN}`, 'Bearer', `Bearer ${ADMIN}x`]) {
      const { context, headers } = contextFor(SampleController, 'read', header);
      expect(() => guard.canActivate(context)).toThrow(UnauthorizedException);
      expect(headers['WWW-Authenticate']).toBe('Bearer');
    }
  });

  it('answers 403 when the role is not listed, the handler list overriding the class list', () => {
    expect(() =>
      guard.canActivate(contextFor(SampleController, 'write', `Bearer ${READER}`).context),
    ).toThrow(ForbiddenException);
    const { context, request } = contextFor(SampleController, 'read', `bearer ${READER}`);
    expect(guard.canActivate(context)).toBe(true);
    expect(request.principal).toEqual({ name: 'grafana', role: 'reader' });
    expect(guard.canActivate(contextFor(SampleController, 'write', `Bearer ${ADMIN}`).context)).toBe(true);
  });

  it('closes routes that declare no roles', () => {
    expect(() =>
      guard.canActivate(contextFor(UndeclaredController, 'open', `Bearer ${ADMIN}`).context),
    ).toThrow(ForbiddenException);
  });
});
