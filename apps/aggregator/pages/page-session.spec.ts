import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { TokenRegistry } from '@vcc/auth';
import { AggregatorConfig } from '@vcc/config';
import { PageSession, SESSION_COOKIE } from './page-session';

const READER = 'reader-token-0123456789abcdef0123456789';
const COLLECTOR = 'collector-token-0123456789abcdef01234567';
const SECRET = 'session-secret-0123456789abcdef0123456789';

/** An app with the session's login and a route that answers who it identifies. */
async function appWith(tokens: TokenRegistry, sessionHours = 12): Promise<FastifyInstance> {
  const config = new AggregatorConfig();
  config.pages.sessionHours = sessionHours;
  const session = new PageSession(tokens, config);
  const app = Fastify();
  await app.register(fastifyCookie, { secret: SECRET });
  app.post<{ Body: { token: string } }>('/pages/login', async (request, reply) => ({
    result: session.login(request.body.token, request, reply),
  }));
  app.get('/pages/who', async (request) => ({ who: session.identify(request) }));
  return app;
}

const registry = (tokens: { name: string; role: 'reader' | 'collector'; token: string }[]) =>
  new TokenRegistry(tokens);

describe('PageSession', () => {
  const tokens = registry([
    { name: 'grafana', role: 'reader', token: READER },
    { name: 'collectors', role: 'collector', token: COLLECTOR },
  ]);

  async function login(app: FastifyInstance, token: string): Promise<{ result: unknown; cookie?: string }> {
    const reply = await app.inject({ method: 'POST', url: '/pages/login', payload: { token } });
    const cookie = reply.cookies.find((c) => c.name === SESSION_COOKIE);
    return { result: reply.json<{ result: unknown }>().result, cookie: cookie?.value };
  }

  const who = async (app: FastifyInstance, headers: Record<string, string>) =>
    (await app.inject({ method: 'GET', url: '/pages/who', headers })).json<{ who: unknown }>().who;

  it('logs a reader in with a signed cookie naming the token, never holding it', async () => {
    const app = await appWith(tokens);
    const { result, cookie } = await login(app, READER);
    expect(result).toEqual({ name: 'grafana', role: 'reader' });
    expect(cookie).toMatch(/^\d+:reader:grafana\.[A-Za-z0-9+/_-]+$/);
    expect(cookie).not.toContain(READER);
    expect(await who(app, { cookie: `${SESSION_COOKIE}=${cookie}` })).toEqual({
      name: 'grafana',
      role: 'reader',
    });
  });

  it('refuses unknown and collector tokens at login, and a collector bearer token on a page', async () => {
    const app = await appWith(tokens);
    expect(await login(app, `${READER}x`)).toEqual({ result: 'invalid', cookie: undefined });
    expect(await login(app, COLLECTOR)).toEqual({ result: 'forbidden', cookie: undefined });
    expect(await who(app, { authorization: `Bearer ${COLLECTOR}` })).toBe('forbidden');
    expect(await who(app, { authorization: `Bearer ${READER}x` })).toBe('invalid');
    expect(await who(app, {})).toBe('missing');
  });

  it('ignores a cookie that was altered, signed by another secret, or whose token is no longer configured', async () => {
    const app = await appWith(tokens);
    const { cookie } = await login(app, READER);
    const [value, signature] = cookie!.split('.');
    const promoted = value.replace(':reader:', ':admin:');
    expect(await who(app, { cookie: `${SESSION_COOKIE}=${promoted}.${signature}` })).toBe('missing');
    const later = value.replace(/^\d+/, String(Number(value.split(':')[0]) + 86_400));
    expect(await who(app, { cookie: `${SESSION_COOKIE}=${later}.${signature}` })).toBe('missing');
    const forged = fastifyCookie.signerFactory('another-secret-0123456789abcdef0123').sign(value);
    expect(await who(app, { cookie: `${SESSION_COOKIE}=${forged}` })).toBe('missing');
    const withoutToken = await appWith(
      registry([{ name: 'other', role: 'reader', token: READER.replace('r', 'R') }]),
    );
    expect(await who(withoutToken, { cookie: `${SESSION_COOKIE}=${cookie}` })).toBe('missing');
  });

  it('ignores an expired session', async () => {
    const app = await appWith(tokens);
    const expired = fastifyCookie
      .signerFactory(SECRET)
      .sign(`${Math.floor(Date.now() / 1000) - 1}:reader:grafana`);
    expect(await who(app, { cookie: `${SESSION_COOKIE}=${expired}` })).toBe('missing');
    const fresh = fastifyCookie
      .signerFactory(SECRET)
      .sign(`${Math.floor(Date.now() / 1000) + 60}:reader:grafana`);
    expect(await who(app, { cookie: `${SESSION_COOKIE}=${fresh}` })).toEqual({
      name: 'grafana',
      role: 'reader',
    });
  });
});
