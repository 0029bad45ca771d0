import type { Express } from 'express';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { bearer, createUser, loginAdmin, PASSWORD, uniqueName } from './support/factories';
import { startTestApp, TEST_ADMIN, TestApp } from './support/test-app';

const ORIGIN = 'http://chat.example';

describe('HTTP behaviour', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: ORIGIN });
  });
  afterAll(() => t.close());

  it("builds requests and responses with Express's prototypes, so none is swapped per request", async () => {
    const express = t.app.getHttpAdapter().getInstance() as Express;
    const built: [object | null, object | null][] = [];
    const record = (request: IncomingMessage, response: ServerResponse) =>
      built.push([Object.getPrototypeOf(request), Object.getPrototypeOf(response)]);
    const server = t.app.getHttpServer() as Server;
    server.prependListener('request', record);
    try {
      await t.http.get('/health/live').expect(200);
    } finally {
      server.removeListener('request', record);
    }
    expect(built).toEqual([[express.request, express.response]]);
  });

  describe('CORS', () => {
    it.each(['POST', 'PATCH', 'DELETE'])(
      'answers a %s preflight from a configured origin',
      async (method) => {
        const response = await t.http
          .options('/user/update')
          .set('Origin', ORIGIN)
          .set('Access-Control-Request-Method', method)
          .set('Access-Control-Request-Headers', 'content-type,authorization')
          .expect(204);
        expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
        expect(response.headers['access-control-allow-methods']).toContain(method);
        expect(response.headers['access-control-allow-headers']).toMatch(/content-type/i);
        expect(response.headers['access-control-allow-headers']).toMatch(/authorization/i);
      },
    );

    it('puts the CORS headers on error responses too', async () => {
      const response = await t.http
        .post('/user/login')
        .set('Origin', ORIGIN)
        .send({ name: 'nobody', password: 'wrong password' })
        .expect(409);
      expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
    });

    it('does not allow other origins', async () => {
      const response = await t.http
        .get('/user/all')
        .set('Origin', 'http://evil.example')
        .expect(200);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  it('queues up to 4,096 connections waiting to be accepted (the kernel may cap it lower)', () => {
    // A reconnect wave overflowed Node's default of 511 while the event loop was busy signing the
    // first sockets in: the rest had their SYNs dropped and waited seconds for TCP's retries.
    const port = new URL(t.baseUrl).port;
    const [listener] = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' })
      .trim()
      .split('\n');
    const backlog = Number(listener.trim().split(/\s+/)[2]);
    const kernelCap = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
    expect(backlog).toBe(Math.min(4_096, kernelCap));
  });

  it('answers unknown routes with 404 in the contract shape', async () => {
    expect((await t.http.get('/no/such/route').expect(404)).body).toEqual({ detail: 'Not Found' });
  });

  it('refuses a JSON body over 64 KiB with 413', async () => {
    const response = await t.http
      .post('/auth/register-user')
      .send({ name: 'n'.repeat(70 * 1024), password: PASSWORD })
      .expect(413);
    expect(response.body).toEqual({ detail: 'Request body too large' });
  });

  it('serves the OpenAPI document and Swagger UI at /docs', async () => {
    const document = await t.http.get('/docs-json').expect(200);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining(['/auth/register-user', '/user/login', '/user/me', '/user/all']),
    );
    const page = await t.http.get('/docs').expect(200);
    expect(page.text).toContain('swagger-ui');
  });

  it('serves the socket protocol as AsyncAPI 3 at /docs/asyncapi.json, naming the host asked', async () => {
    const document = await t.http
      .get('/docs/asyncapi.json')
      .set('Host', 'chat.example:8443')
      .expect(200)
      .expect('Cache-Control', 'no-store');
    expect(document.body).toMatchObject({
      asyncapi: '3.0.0',
      servers: { chat: { host: 'chat.example:8443', protocol: 'ws', pathname: '/ws' } },
      channels: { chat: { address: '/ws' } },
    });
    expect(Object.keys(document.body.components.messages)).toEqual(
      expect.arrayContaining(['auth', 'message.send', 'message.new', 'resumed', 'ack', 'error']),
    );
  });

  it('never returns a password hash from any user route', async () => {
    const admin = await loginAdmin(t);
    const user = await createUser(t);
    const requests = [
      () => t.http.get('/user/all'),
      () => t.http.get('/user/me').set(...bearer(user)),
      () => t.http.post('/user/me').send({ token: user.token }),
      () => t.http.post('/user/login').send({ name: user.name, password: PASSWORD }),
      () => t.http.post('/auth/register-user').send({ name: uniqueName(), password: PASSWORD }),
      () =>
        t.http
          .post('/auth/register-admin')
          .set(...bearer(admin))
          .send({ name: uniqueName(), password: PASSWORD, role: 2 }),
      () =>
        t.http
          .patch('/user/update')
          .set(...bearer(user))
          .send({ data_update: { password: 'new password 1' } }),
    ];
    const responses = [];
    for (const send of requests) responses.push(await send());
    const hashes: { password_hash: string }[] = await t.db.query(
      'SELECT password_hash FROM users WHERE password_hash IS NOT NULL',
    );
    expect(hashes.length).toBeGreaterThan(2);
    for (const response of responses) {
      expect(response.status).toBeLessThan(300);
      expect(response.text).not.toMatch(/\$2[aby]\$/);
      expect(response.text).not.toMatch(/password/i);
      for (const { password_hash } of hashes) expect(response.text).not.toContain(password_hash);
    }
  });

  it('stores the configured admin once, at start', async () => {
    const admins = await t.db.query('SELECT name, role FROM users WHERE role = 3');
    expect(admins).toEqual([{ name: TEST_ADMIN.name, role: 3 }]);
  });
});

describe('rate limits on login and registration', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT: '3' });
  });
  afterAll(() => t.close());

  it('answers 429 past AUTH_RATE_LIMIT login attempts a minute from one address', async () => {
    const attempt = () =>
      t.http.post('/user/login').send({ name: 'nobody', password: 'wrong password' });
    for (let i = 0; i < 3; i++) await attempt().expect(409);
    const refused = await attempt().expect(429);
    expect(refused.body).toEqual({ detail: 'Too many requests' });
    expect(refused.headers['retry-after']).toBeDefined();
  });

  it('answers 429 past AUTH_RATE_LIMIT registrations a minute, storing nothing more', async () => {
    for (let i = 0; i < 3; i++) {
      await t.http
        .post('/auth/register-user')
        .send({ name: uniqueName(), password: PASSWORD })
        .expect(201);
    }
    const name = uniqueName();
    await t.http.post('/auth/register-user').send({ name, password: PASSWORD }).expect(429);
    expect(await t.db.query('SELECT id FROM users WHERE name = $1', [name])).toEqual([]);
  });
});

describe('two instances of one deployment', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    first = await startTestApp();
    second = await startTestApp({}, first);
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('refuses a session revoked on one instance on the other within 5 seconds', async () => {
    const user = await createUser(first);
    await second.http
      .get('/user/me')
      .set(...bearer(user))
      .expect(200);
    await first.http
      .post('/user/logout')
      .set(...bearer(user))
      .expect(200);
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 7_000) {
      status = (await second.http.get('/user/me').set(...bearer(user))).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(5_500);
  });
});

describe('unexpected errors', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers 500 with a request id and no internals, and keeps serving', async () => {
    await t.db.query('ALTER TABLE users RENAME TO users_hidden');
    const response = await t.http.get('/user/all').expect(500);
    await t.db.query('ALTER TABLE users_hidden RENAME TO users');

    expect(response.body).toEqual({
      detail: 'Internal server error',
      request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(response.text).not.toMatch(/users|relation|select|typeorm/i);
    await t.http.get('/user/all').expect(200);
  });
});

describe('behind a trusted proxy', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: 'loopback', AUTH_RATE_LIMIT: '2' });
  });
  afterAll(() => t.close());

  it('limits each client by the address the proxy reports', async () => {
    const attempt = (client: string) =>
      t.http
        .post('/user/login')
        .set('X-Forwarded-For', client)
        .send({ name: 'nobody', password: 'wrong password' });
    await attempt('203.0.113.7').expect(409);
    await attempt('203.0.113.7').expect(409);
    await attempt('203.0.113.7').expect(429);
    await attempt('203.0.113.8').expect(409);
  });
});

describe('login attempts on one account from many addresses', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: 'loopback', LOGIN_ACCOUNT_RATE_LIMIT: '4' });
  });
  afterAll(() => t.close());

  it('answers 429 past LOGIN_ACCOUNT_RATE_LIMIT attempts a minute on one name, whatever the address', async () => {
    const user = await createUser(t); // its first login counts too
    const attempt = (name: string, client: string, password = 'wrong password') =>
      t.http.post('/user/login').set('X-Forwarded-For', client).send({ name, password });
    for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      await attempt(user.name, client).expect(409);
    }
    const refused = await attempt(user.name, '203.0.113.4', PASSWORD).expect(429);
    expect(refused.body).toEqual({ detail: 'Too many requests' });
    expect(refused.body).not.toHaveProperty('access_token');
    await attempt('someone-else', '203.0.113.4').expect(409);
  });

  it('counts the name as accounts are named: case and surrounding spaces share one bucket', async () => {
    const name = uniqueName('Bucket');
    const variants = [name, name.toUpperCase(), ` ${name}`, `${name.toLowerCase()}  `];
    for (const [index, variant] of variants.entries()) {
      await attempt(variant, `203.0.113.${20 + index}`).expect(409);
    }
    await attempt(name.toUpperCase(), '203.0.113.30').expect(429);
  });

  function attempt(name: string, client: string) {
    return t.http
      .post('/user/login')
      .set('X-Forwarded-For', client)
      .send({ name, password: 'wrong password' });
  }
});

describe('rate limits over Redis, shared by two instances', () => {
  const redis = (variables: Record<string, string>) => ({
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `chat-throttle-test-${randomBytes(4).toString('hex')}:`,
    TRUST_PROXY: 'loopback',
    ...variables,
  });

  it('holds the per-address and per-account limits across instances', async () => {
    const variables = redis({ AUTH_RATE_LIMIT: '3', LOGIN_ACCOUNT_RATE_LIMIT: '3' });
    const first = await startTestApp(variables);
    const second = await startTestApp(variables, first);
    try {
      const login = (t: TestApp, name: string, client: string) =>
        t.http
          .post('/user/login')
          .set('X-Forwarded-For', client)
          .send({ name, password: 'wrong password' });
      await login(first, 'nobody-1', '198.51.100.1').expect(409);
      await login(second, 'nobody-2', '198.51.100.1').expect(409);
      await login(first, 'nobody-3', '198.51.100.1').expect(409);
      await login(second, 'nobody-4', '198.51.100.1').expect(429);

      const name = uniqueName('shared');
      await login(first, name, '198.51.100.11').expect(409);
      await login(second, name, '198.51.100.12').expect(409);
      await login(first, name, '198.51.100.13').expect(409);
      await login(second, name, '198.51.100.14').expect(429);
    } finally {
      await second.close();
      await first.close();
    }
  });
});
