import request from 'supertest';
import { ChatClient } from './support/chat-client';
import {
  bearer,
  createUser,
  createUserWithRole,
  loginAdmin,
  PASSWORD,
  TestUser,
} from './support/factories';
import { startTestApp, TEST_ADMIN, TestApp } from './support/test-app';

describe('the admin panel at /admin', () => {
  let t: TestApp;
  let panel: ReturnType<typeof request.agent>;

  // The panel allows 5 login attempts a minute from one address, successful ones included; the
  // tests share one admin session and count their attempts.
  beforeAll(async () => {
    t = await startTestApp();
    panel = (await panelSession(TEST_ADMIN.name, TEST_ADMIN.password)).agent;
  });
  afterAll(() => t.close());

  /** A cookie-keeping client logged in to the panel as `name`. */
  async function panelSession(name: string, password: string) {
    const agent = request.agent(t.baseUrl);
    const response = await agent.post('/admin/login').type('form').send({ email: name, password });
    return { agent, response };
  }

  it('serves its login page', async () => {
    const page = await t.http.get('/admin/login').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('/admin/login');
  });

  it('keeps its API closed without a login', async () => {
    const response = await t.http.get('/admin/api/resources/User/actions/list');
    expect(response.status).toBe(302);
    expect(response.headers.location).toMatch(/\/admin\/login/);
  });

  it('lets an admin in with a session cookie that is httpOnly', async () => {
    const { response } = await panelSession(TEST_ADMIN.name, TEST_ADMIN.password);
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/admin');
    const cookie = [response.headers['set-cookie']].flat().join(';');
    expect(cookie).toMatch(/chat_admin=/);
    expect(cookie).toMatch(/HttpOnly/i);
    // Kept in PostgreSQL, so every instance behind the load balancer knows the login.
    const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM admin_sessions');
    expect(count).toBeGreaterThanOrEqual(1);
  });

  // Site moderators log in to the report queue: see admin-moderator-access.e2e-spec.ts.
  it('refuses users, and wrong passwords', async () => {
    const admin = await loginAdmin(t);
    const attempts: [string, string][] = [
      [(await createUser(t)).name, PASSWORD],
      [(await createUserWithRole(t, admin, 2)).name, 'not the password'],
      [TEST_ADMIN.name, 'not the password'],
    ];
    for (const [name, password] of attempts) {
      const { agent, response } = await panelSession(name, password);
      expect(response.status).toBe(200);
      expect(response.headers['set-cookie'] ?? []).not.toEqual(
        expect.arrayContaining([expect.stringMatching(/chat_admin=/)]),
      );
      expect((await agent.get('/admin/api/resources/User/actions/list')).status).toBe(302);
    }
  });

  it('lists users without any password field', async () => {
    await createUser(t);
    const response = await panel.get('/admin/api/resources/User/actions/list').expect(200);
    expect(response.body.records.length).toBeGreaterThan(1);
    for (const record of response.body.records) {
      expect(Object.keys(record.params)).not.toContain('passwordHash');
    }
    expect(response.text).not.toMatch(/\$2[aby]\$/);
    expect(response.text).not.toMatch(/password/i);
    const shown = await panel.get(
      `/admin/api/resources/User/records/${response.body.records[0].id}/show`,
    );
    expect(shown.text).not.toMatch(/\$2[aby]\$|password/i);
  });

  it('deletes a message: gone from the database, and open chats hear of it', async () => {
    const author = await createUser(t);
    const client = await ChatClient.connect(t.baseUrl, author.token);
    client.send({ message: 'to be moderated' });
    const [message] = await client.messages(1);
    await panel
      .post(`/admin/api/resources/Message/records/${message.message_id}/delete`)
      .expect(200);
    expect(await client.next((f) => f.event === 'delete')).toEqual({
      event: 'delete',
      message_id: message.message_id,
    });
    expect(await t.db.query('SELECT id FROM messages WHERE id = $1', [message.message_id])).toEqual(
      [],
    );
    client.close();
  });

  it('edits a message, marking it edited, and open chats hear of it', async () => {
    const author = await createUser(t);
    const client = await ChatClient.connect(t.baseUrl, author.token);
    client.send({ message: 'typo heer' });
    const [message] = await client.messages(1);
    await panel
      .post(`/admin/api/resources/Message/records/${message.message_id}/edit`)
      .field('text', 'typo here')
      .expect(200);
    expect(await client.next((f) => f.event === 'update')).toEqual({
      event: 'update',
      message_id: message.message_id,
      new_message: 'typo here',
    });
    const [row] = await t.db.query('SELECT text, edited_at FROM messages WHERE id = $1', [
      message.message_id,
    ]);
    expect(row.text).toBe('typo here');
    expect(row.edited_at).not.toBeNull();
    client.close();
  });

  it('lists messages newest first with their author', async () => {
    const author = await createUser(t);
    const client = await ChatClient.connect(t.baseUrl, author.token);
    client.send({ message: 'newest of all' });
    await client.messages(1);
    const list = await panel.get('/admin/api/resources/Message/actions/list').expect(200);
    const [newest] = list.body.records;
    expect(newest.params).toMatchObject({ text: 'newest of all', userId: author.id });
    expect(newest.populated.userId.title).toBe(author.name);
    const filtered = await panel
      .get('/admin/api/resources/Message/actions/list')
      .query({ 'filters.text': 'newest of' })
      .expect(200);
    expect(filtered.body.records.map((r: { params: { text: string } }) => r.params.text)).toEqual([
      'newest of all',
    ]);
    const byAuthor = await panel
      .get('/admin/api/resources/Message/actions/list')
      .query({ 'filters.userId': author.id })
      .expect(200);
    expect(
      byAuthor.body.records.map((r: { params: { userId: number } }) => r.params.userId),
    ).toEqual([author.id]);
    client.close();
  });

  it("demotes a moderator and ends that user's sessions", async () => {
    const admin = await loginAdmin(t);
    const moderator: TestUser = await createUserWithRole(t, admin, 2);
    await panel
      .post(`/admin/api/resources/User/records/${moderator.id}/edit`)
      .field('role', '1')
      .expect(200);
    const [row] = await t.db.query('SELECT role FROM users WHERE id = $1', [moderator.id]);
    expect(row.role).toBe(1);
    await t.http
      .get('/user/me')
      .set(...bearer(moderator))
      .expect(401);
  });

  it('deletes an account as the API does', async () => {
    const user = await createUser(t);
    await panel.post(`/admin/api/resources/User/records/${user.id}/delete`).expect(200);
    const [row] = await t.db.query('SELECT name, deleted_at, avatar FROM users WHERE id = $1', [
      user.id,
    ]);
    expect(row).toMatchObject({
      name: `Deleted #${user.id}`,
      avatar: '/static/avatars/deleted.webp',
    });
    expect(row.deleted_at).not.toBeNull();
    await t.http
      .get('/user/me')
      .set(...bearer(user))
      .expect(401);
  });
});
