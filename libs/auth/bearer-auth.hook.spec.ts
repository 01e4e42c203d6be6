import type { HttpAdapterHost } from '@nestjs/core';
import Fastify from 'fastify';
import { BearerAuthHook } from './bearer-auth.hook';
import { TokenRegistry } from './token-registry';

const ADMIN = 'admin-token-0123456789abcdef0123456789';

describe('BearerAuthHook', () => {
  let parsedBodies = 0;
  const app = Fastify();
  new BearerAuthHook(
    { httpAdapter: { getInstance: () => app } } as unknown as HttpAdapterHost,
    new TokenRegistry([{ name: 'ops', role: 'admin', token: ADMIN }]),
  );
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    parsedBodies++;
    done(null, JSON.parse(body as string));
  });
  app.post('/api/v1/things', async (request) => (request as { principal?: unknown }).principal);
  app.get('/health', { config: { vccPublic: true } }, async () => 'ok');

  beforeEach(() => (parsedBodies = 0));
  afterAll(() => app.close());

  it('answers 401 without parsing the body and closes the connection', async () => {
    for (const authorization of [undefined, `Bearer ${ADMIN}x`]) {
      const reply = await app.inject({
        method: 'POST',
        url: '/api/v1/things',
        headers: authorization ? { authorization } : {},
        payload: { big: 'x'.repeat(10_000) },
      });
      expect(reply.statusCode).toBe(401);
      expect(reply.headers['www-authenticate']).toBe('Bearer');
      expect(reply.headers.connection).toBe('close');
      expect(reply.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }
    expect(parsedBodies).toBe(0);
  });

  it('hands the principal on for a known token, and lets public routes through without one', async () => {
    const reply = await app.inject({
      method: 'POST',
      url: '/api/v1/things',
      headers: { authorization: `Bearer ${ADMIN}` },
      payload: {},
    });
    expect(reply.json()).toEqual({ name: 'ops', role: 'admin' });
    expect(parsedBodies).toBe(1);
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/nowhere' })).statusCode).toBe(401);
  });
});
