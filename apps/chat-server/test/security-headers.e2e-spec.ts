import express from 'express';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { securityHeaders } from '../src/security-headers';
import { startTestApp, TestApp } from './support/test-app';

const API_POLICY = "default-src 'none';frame-ancestors 'none'";

describe('security headers', () => {
  let t: TestApp;
  let webClientDir: string;

  beforeAll(async () => {
    webClientDir = await mkdtemp(join(tmpdir(), 'chat-web-client-'));
    await writeFile(join(webClientDir, 'index.html'), '<!doctype html><title>chat</title>');
    t = await startTestApp({ WEB_CLIENT_DIR: webClientDir });
  });
  afterAll(async () => {
    await t.close();
    await rm(webClientDir, { recursive: true, force: true });
  });

  const common = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'cross-origin',
  };

  it.each([
    ['an API route', '/routers/last_messages', 200],
    ['an error', '/no/such/route', 404],
    ['a refused request', '/user/me', 401],
    ['a health check', '/health/live', 200],
  ])('on %s: the strict policy for responses that are not pages', async (_, path, status) => {
    const response = await t.http.get(path).expect(status);
    expect(response.headers).toMatchObject({ ...common, 'content-security-policy': API_POLICY });
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('on /docs: a policy that lets Swagger UI run, from this origin only', async () => {
    const response = await t.http.get('/docs').expect(200);
    expect(response.headers).toMatchObject(common);
    const policy = response.headers['content-security-policy'];
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/script-src[^;]*unsafe/);
  });

  it('on /admin: a policy that lets AdminJS run', async () => {
    const response = await t.http.get('/admin/login').expect(200);
    expect(response.headers).toMatchObject(common);
    const policy = response.headers['content-security-policy'];
    expect(policy).toContain("script-src 'self' 'unsafe-inline' 'unsafe-eval'");
    expect(policy).toContain("frame-ancestors 'none'");
  });

  it("keeps the web client's own strict policy on its page", async () => {
    const response = await t.http.get('/').expect(200);
    expect(response.headers).toMatchObject(common);
    const policy = response.headers['content-security-policy'];
    expect(policy).toContain("default-src 'self'");
    expect(policy).not.toContain('unsafe');
  });

  it('sends HSTS in production only', async () => {
    const serve = (isProduction: boolean) =>
      request(
        express()
          .use(securityHeaders({ isProduction }))
          .get('/', (_request, response) => response.json({})),
      ).get('/');
    expect((await serve(true)).headers['strict-transport-security']).toBe(
      'max-age=31536000; includeSubDomains',
    );
    expect((await serve(false)).headers['strict-transport-security']).toBeUndefined();
  });
});
