import request from 'supertest';
import {
  bearer,
  createUser,
  createUserWithRole,
  loginAdmin,
  PASSWORD,
  TestUser,
} from './support/factories';
import { startTestApp, TEST_ADMIN, TestApp } from './support/test-app';
import { roomsApi } from './support/v2-rooms';

type Panel = ReturnType<typeof request.agent>;

interface PanelAnswer {
  records?: { id: string }[];
  record?: { params: Record<string, unknown> };
  meta?: { total: number };
  notice?: { message: string; type: string };
}

/** Site moderators (role 2) in the admin panel: the report queue of public rooms, nothing else. */
describe('a site moderator in the admin panel', () => {
  let t: TestApp;
  let admin: TestUser;
  let moderator: TestUser;
  let panel: Panel;
  let adminPanel: Panel;
  let rooms: ReturnType<typeof roomsApi>;

  // The panel allows 5 logins a minute from one address: this file uses 4.
  async function logIn(name: string, password = PASSWORD) {
    const agent = request.agent(t.baseUrl);
    const answer = await agent.post('/admin/login').type('form').send({ email: name, password });
    return { agent, answer };
  }

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    rooms = roomsApi(t);
    moderator = await createUserWithRole(t, admin, 2);
    const { agent, answer } = await logIn(moderator.name);
    expect(answer.status).toBe(302);
    expect(answer.headers.location).toBe('/admin');
    panel = agent;
    adminPanel = (await logIn(TEST_ADMIN.name, TEST_ADMIN.password)).agent;
  });
  afterAll(() => t.close());

  const post = (by: TestUser, path: string, body: object) =>
    t.http
      .post(path)
      .set(...bearer(by))
      .send(body);

  async function reportIn(roomId: number, author: TestUser, reporter: TestUser) {
    const sent = await post(author, `/api/v1/rooms/${roomId}/messages`, { text: 'rude' });
    expect(sent.status).toBe(201);
    const report = await post(reporter, `/api/v1/messages/${sent.body.message_id}/reports`, {
      reason: 'rude',
    }).expect(201);
    return { messageId: sent.body.message_id as number, reportId: report.body.id as number };
  }

  async function publicReport() {
    const [author, reporter] = [await createUser(t), await createUser(t)];
    const room = await rooms.create(author, 'public');
    await rooms.join(room, reporter);
    return { author, room, ...(await reportIn(room, author, reporter)) };
  }

  /** A report of a DM message, made by the other member of the DM. */
  async function directReport() {
    const [author, reporter] = [await createUser(t), await createUser(t)];
    const dm = await post(author, '/api/v1/dms', { user_id: reporter.id }).expect(201);
    return reportIn(dm.body.id, author, reporter);
  }

  const get = async (agent: Panel, path: string): Promise<PanelAnswer> =>
    (await agent.get(`/admin/api/resources/${path}`).expect(200)).body;
  const actOn = async (agent: Panel, reportId: number, form: Record<string, string>) => {
    let call = agent.post(`/admin/api/resources/MessageReport/records/${reportId}/edit`);
    for (const [name, value] of Object.entries(form)) call = call.field(name, value);
    return (await call.expect(200)).body as PanelAnswer;
  };
  const auditCount = async () =>
    (await t.db.query('SELECT count(*)::int AS n FROM audit_log'))[0].n as number;
  const reportStatus = async (reportId: number) =>
    (await t.db.query('SELECT status FROM message_reports WHERE id = $1', [reportId]))[0].status;

  /** The resources the panel's page offers in its navigation (those with a list to open). */
  async function navigationOf(agent: Panel): Promise<string[]> {
    const page = await agent.get('/admin').expect(200);
    const state = /window\.REDUX_STATE = (\{.*?\});\s*\n/s.exec(page.text);
    expect(state).not.toBeNull();
    const { resources } = JSON.parse(state![1]) as {
      resources: { id: string; href: string | null; navigation: { show: boolean } | null }[];
    };
    return resources
      .filter((resource) => resource.href && resource.navigation?.show !== false)
      .map((resource) => resource.id)
      .sort();
  }

  it('sees the report queue only in the navigation; an admin still sees everything', async () => {
    expect(await navigationOf(panel)).toEqual(['MessageReport']);
    expect(await navigationOf(adminPanel)).toEqual(
      ['AuditLogEntry', 'Message', 'MessageReport', 'Room', 'RoomMembership', 'User'].sort(),
    );
    const dm = await directReport();
    const listed = await get(adminPanel, 'MessageReport/actions/list?perPage=500');
    expect(listed.records!.map((record) => Number(record.id))).toContain(dm.reportId);
  });

  it("lists, counts and shows public rooms' reports only", async () => {
    const open = await publicReport();
    const dm = await directReport();
    const listed = await get(panel, 'MessageReport/actions/list?perPage=500');
    const ids = listed.records!.map((record) => Number(record.id));
    expect(ids).toContain(open.reportId);
    expect(ids).not.toContain(dm.reportId);
    const [{ n }] = await t.db.query(
      `SELECT count(*)::int AS n FROM message_reports r JOIN rooms ON rooms.id = r.room_id
        WHERE rooms.kind = 'public'`,
    );
    expect(listed.meta!.total).toBe(n);
    expect(ids).toHaveLength(n);

    const shown = await get(panel, `MessageReport/records/${open.reportId}/show`);
    expect(shown.record!.params).toMatchObject({ status: 'open', messageText: 'rude' });
    const hidden = await get(panel, `MessageReport/records/${dm.reportId}/show`);
    expect(hidden.notice?.type).toBe('error');
    expect(hidden.record!.params).toEqual({});
  });

  it('resolves a public report as the moderator, audited once', async () => {
    const { author, room, messageId, reportId } = await publicReport();
    const before = await auditCount();
    const answer = await actOn(panel, reportId, { decision: 'resolve', note: 'handled' });
    expect(answer.notice).toEqual({ message: 'Report resolved', type: 'success' });
    expect(await reportStatus(reportId)).toBe('resolved');
    const rows = await t.db.query(
      `SELECT actor_id, action, target_user_id, target_room_id,
              target_message_id::float8 AS target_message_id, details
         FROM audit_log ORDER BY id DESC LIMIT $1`,
      [(await auditCount()) - before],
    );
    expect(rows).toEqual([
      {
        actor_id: moderator.id,
        action: 'report.resolve',
        target_user_id: author.id,
        target_room_id: room,
        target_message_id: messageId,
        details: { via: 'panel', report_id: reportId, deleted: false },
      },
    ]);
  });

  it("is refused acting on a DM's report: nothing changes", async () => {
    const { reportId } = await directReport();
    const before = await auditCount();
    for (const decision of ['resolve', 'delete']) {
      const answer = await actOn(panel, reportId, { decision });
      expect(answer.notice?.type).toBe('error');
    }
    const ban = await actOn(panel, reportId, { decision: 'ban', note: 'no' });
    expect(ban.notice?.type).toBe('error');
    expect(await reportStatus(reportId)).toBe('open');
    expect(await auditCount()).toBe(before);
  });

  it('is refused the other resources and actions: nothing changes', async () => {
    const forbidden = (answer: PanelAnswer) => {
      expect(answer.notice).toMatchObject({ type: 'error' });
      expect(answer.records ?? []).toEqual([]);
    };
    forbidden(await get(panel, 'User/actions/list'));
    forbidden(await get(panel, 'User/actions/search'));
    forbidden(await get(panel, 'AuditLogEntry/actions/list'));
    forbidden(await get(panel, 'Room/actions/list'));
    forbidden(await get(panel, `User/records/${admin.id}/show`));

    const { messageId } = await publicReport();
    const before = await auditCount();
    const edit = await panel
      .post(`/admin/api/resources/Message/records/${messageId}/edit`)
      .field('text', 'rewritten by a moderator')
      .expect(200);
    expect(edit.body.notice).toMatchObject({ type: 'error' });
    const roleEdit = await panel
      .post(`/admin/api/resources/User/records/${moderator.id}/edit`)
      .field('role', '3')
      .expect(200);
    expect(roleEdit.body.notice).toMatchObject({ type: 'error' });
    const [message] = await t.db.query('SELECT text FROM messages WHERE id = $1', [messageId]);
    expect(message.text).toBe('rude');
    const [account] = await t.db.query('SELECT role FROM users WHERE id = $1', [moderator.id]);
    expect(account.role).toBe(2);
    expect(await auditCount()).toBe(before);
  });

  it('keeps a user (role 1) out, and drops a moderator demoted to a user', async () => {
    const user = await createUser(t);
    const refused = await logIn(user.name);
    expect(refused.answer.status).toBe(200); // the login page again, no session
    await refused.agent.get('/admin/api/resources/MessageReport/actions/list').expect(302);

    const demoted = await createUserWithRole(t, admin, 2);
    const { agent } = await logIn(demoted.name);
    await get(agent, 'MessageReport/actions/list');
    await adminPanel
      .post(`/admin/api/resources/User/records/${demoted.id}/edit`)
      .field('role', '1')
      .expect(200);
    const after = await agent.get('/admin/api/resources/MessageReport/actions/list');
    expect(after.status).toBe(302);
    expect(after.headers.location).toMatch(/\/admin\/login$/);
  });
});
