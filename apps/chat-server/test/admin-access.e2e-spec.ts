import request from 'supertest';
import {
  bearer,
  createUserWithRole,
  loginAdmin,
  PASSWORD,
  TestUser,
  uniqueName,
} from './support/factories';
import { startTestApp, TEST_ADMIN, TestApp } from './support/test-app';

/** A panel login lasts only as long as the account keeps the right to it. */
describe('the admin panel after the account changes', () => {
  let t: TestApp;
  // The panel allows 5 logins a minute from one address: this file uses 4.
  let ownPanel: ReturnType<typeof request.agent>;

  beforeAll(async () => {
    t = await startTestApp();
    ownPanel = await panelSession(TEST_ADMIN.name, TEST_ADMIN.password);
  });
  afterAll(() => t.close());

  async function panelSession(name: string, password: string) {
    const agent = request.agent(t.baseUrl);
    await agent.post('/admin/login').type('form').send({ email: name, password }).expect(302);
    return agent;
  }

  /** Another admin, logged in to the panel, whose panel works. */
  async function adminInPanel(): Promise<{ admin: TestUser; panel: typeof ownPanel }> {
    const admin = await createUserWithRole(t, await loginAdmin(t), 3, uniqueName('admin'));
    const panel = await panelSession(admin.name, PASSWORD);
    await panel.get('/admin/api/resources/User/actions/list').expect(200);
    await panel.get('/admin').expect(200);
    return { admin, panel };
  }

  async function expectRefused(panel: typeof ownPanel): Promise<void> {
    const api = await panel.get('/admin/api/resources/User/actions/list');
    expect(api.status).toBe(302);
    expect(api.headers.location).toMatch(/\/admin\/login$/);
    const page = await panel.get('/admin');
    expect(page.status).toBe(302);
    expect(page.headers.location).toMatch(/\/admin\/login$/);
    // The login is gone, not only refused once.
    await panel.get('/admin/api/resources/User/actions/list').expect(302);
  }

  it('ends on a demotion by another admin', async () => {
    const { admin, panel } = await adminInPanel();
    await ownPanel
      .post(`/admin/api/resources/User/records/${admin.id}/edit`)
      .field('role', '2')
      .expect(200);
    await expectRefused(panel);
  });

  it('ends when the account is deleted', async () => {
    const { admin, panel } = await adminInPanel();
    await t.http
      .delete('/user/delete')
      .set(...bearer(admin))
      .expect(201);
    await expectRefused(panel);
  });

  it('ends when the password is changed', async () => {
    const { admin, panel } = await adminInPanel();
    await t.http
      .patch('/user/update')
      .set(...bearer(admin))
      .send({ data_update: { password: 'a brand new password' } })
      .expect(201);
    await expectRefused(panel);
    // The API session that changed it goes on.
    await t.http
      .get('/user/me')
      .set(...bearer(admin))
      .expect(200);
  });

  it("keeps the other admins' panels working", async () => {
    await ownPanel.get('/admin/api/resources/User/actions/list').expect(200);
  });
});
