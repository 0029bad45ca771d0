import request from 'supertest';
import { startTestApp, TEST_ADMIN, TestApp } from './support/test-app';

describe('admin panel login attempts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('are limited to 5 a minute from one address, even with the right password', async () => {
    const attempt = () =>
      request(t.baseUrl)
        .post('/admin/login')
        .type('form')
        .send({ email: TEST_ADMIN.name, password: 'wrong password' });
    for (let i = 0; i < 5; i++) expect((await attempt()).text).toMatch(/invalidCredentials/);
    const refused = await request(t.baseUrl)
      .post('/admin/login')
      .type('form')
      .send({ email: TEST_ADMIN.name, password: TEST_ADMIN.password });
    expect(refused.status).toBe(200);
    expect(refused.text).toMatch(/tooManyRequests/);
  });
});
