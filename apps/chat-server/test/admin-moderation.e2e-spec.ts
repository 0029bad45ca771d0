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

const GENERAL = 1;
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

interface AuditRow {
  actor_id: number;
  action: string;
  target_user_id: number | null;
  target_room_id: number | null;
  target_message_id: number | null;
  reason: string | null;
  details: Record<string, unknown>;
}

interface PanelRecord {
  id: string;
  params: Record<string, unknown>;
  populated: Record<string, { title: string } | undefined>;
  recordActions: { name: string }[];
}

/** The report queue, the audit log and the audit of every panel action, through the real panel. */
describe('moderation in the admin panel', () => {
  let t: TestApp;
  let panel: ReturnType<typeof request.agent>;
  let admin: TestUser;
  let rooms: ReturnType<typeof roomsApi>;

  beforeAll(async () => {
    t = await startTestApp({ MESSAGE_RATE_BURST: '100000' });
    admin = await loginAdmin(t);
    rooms = roomsApi(t);
    // The panel allows 5 logins a minute from one address: this file uses 2.
    panel = request.agent(t.baseUrl);
    await panel
      .post('/admin/login')
      .type('form')
      .send({ email: TEST_ADMIN.name, password: TEST_ADMIN.password })
      .expect(302);
  });
  afterAll(() => t.close());

  const send = (by: TestUser, roomId: number, text: string) =>
    t.http
      .post(`/api/v1/rooms/${roomId}/messages`)
      .set(...bearer(by))
      .send({ text });

  /** The id of the newest audit row: what a test's own rows come after. */
  const auditMark = async (): Promise<number> =>
    (await t.db.query('SELECT coalesce(max(id), 0)::float8 AS id FROM audit_log'))[0].id;
  const auditAfter = (mark: number): Promise<AuditRow[]> =>
    t.db.query(
      `SELECT actor_id, action, target_user_id, target_room_id,
              target_message_id::float8 AS target_message_id, reason, details
         FROM audit_log WHERE id > $1 ORDER BY id`,
      [mark],
    );

  const list = async (resource: string, query: Record<string, string | number> = {}) =>
    (
      await panel
        .get(`/admin/api/resources/${resource}/actions/list`)
        .query({ perPage: 500, ...query })
        .expect(200)
    ).body.records as PanelRecord[];
  const show = async (resource: string, id: string | number) =>
    (await panel.get(`/admin/api/resources/${resource}/records/${id}/show`).expect(200)).body
      .record as PanelRecord;
  /** Posts a record action's form as the panel's pages do (multipart). */
  const postForm = async (path: string, form: Record<string, string>) => {
    let call = panel.post(`/admin/api/resources/${path}`);
    for (const [name, value] of Object.entries(form)) call = call.field(name, value);
    return (await call.expect(200)).body as {
      notice?: { message: string; type: string };
      record?: { params: Record<string, unknown> };
    };
  };
  const actOnReport = (reportId: number, form: Record<string, string>) =>
    postForm(`MessageReport/records/${reportId}/edit`, form);

  /** A message of `author` in a public room, reported by another member. */
  async function reportedMessage(text = 'a rude remark', reason = 'rude') {
    const [author, reporter] = [await createUser(t), await createUser(t)];
    const roomName = `reported ${author.name}`;
    const room = await rooms.create(author, 'public', roomName);
    await rooms.join(room, reporter);
    const messageId: number = (await send(author, room, text).expect(201)).body.message_id;
    const report = await t.http
      .post(`/api/v1/messages/${messageId}/reports`)
      .set(...bearer(reporter))
      .send({ reason })
      .expect(201);
    return { author, reporter, room, roomName, messageId, reportId: report.body.id as number };
  }

  const reportRow = async (reportId: number) =>
    (
      await t.db.query(
        `SELECT status, resolved_by, resolution, message_id::float8 AS message_id, message_text
           FROM message_reports WHERE id = $1`,
        [reportId],
      )
    )[0];

  describe('the report queue', () => {
    it('lists open reports newest first with the message as reported, its room, author and reporter', async () => {
      const older = await reportedMessage('first rude remark', 'rude');
      const newer = await reportedMessage('second rude remark', 'spam');

      const open = await list('MessageReport', { 'filters.status': 'open' });
      const ids = open.map((record) => Number(record.id));
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(ids.indexOf(newer.reportId)).toBeLessThan(ids.indexOf(older.reportId));
      const listed = open.find((record) => Number(record.id) === older.reportId)!;
      expect(listed.params).toMatchObject({
        status: 'open',
        messageText: 'first rude remark',
        roomId: older.room,
        authorId: older.author.id,
        reporterId: older.reporter.id,
        reason: 'rude',
      });
      expect(listed.populated.roomId?.title).toBe(older.roomName);
      expect(listed.populated.authorId?.title).toBe(older.author.name);
      expect(listed.populated.reporterId?.title).toBe(older.reporter.name);

      const shown = await show('MessageReport', older.reportId);
      expect(shown.params).toMatchObject({
        messageText: 'first rude remark',
        messageId: String(older.messageId),
        status: 'open',
      });
      expect(shown.recordActions.map((action) => action.name).sort()).toEqual(['edit', 'show']);

      const resolved = await list('MessageReport', { 'filters.status': 'resolved' });
      expect(resolved.map((record) => Number(record.id))).not.toContain(older.reportId);
    });

    it('resolves a report with a note as the panel admin, audited once', async () => {
      const { author, room, messageId, reportId } = await reportedMessage();
      const mark = await auditMark();
      const answer = await actOnReport(reportId, { decision: 'resolve', note: 'looked fine' });
      expect(answer.notice).toEqual({ message: 'Report resolved', type: 'success' });
      expect(await reportRow(reportId)).toMatchObject({
        status: 'resolved',
        resolved_by: admin.id,
        resolution: 'looked fine',
        message_id: messageId,
      });
      expect(await auditAfter(mark)).toEqual([
        {
          actor_id: admin.id,
          action: 'report.resolve',
          target_user_id: author.id,
          target_room_id: room,
          target_message_id: messageId,
          reason: 'looked fine',
          details: { via: 'panel', report_id: reportId, deleted: false },
        },
      ]);
      const resolved = await list('MessageReport', { 'filters.status': 'resolved' });
      expect(resolved.map((record) => Number(record.id))).toContain(reportId);

      const again = await actOnReport(reportId, { decision: 'resolve' });
      expect(again.notice).toEqual({ message: 'This report is resolved already', type: 'error' });
      expect(await auditAfter(mark)).toHaveLength(1);
    });

    it('deletes the message and resolves the report, keeping the copy, each audited once', async () => {
      const { author, reporter, room, messageId, reportId } = await reportedMessage();
      const mark = await auditMark();
      const answer = await actOnReport(reportId, { decision: 'delete', note: 'insulting' });
      expect(answer.notice).toEqual({
        message: 'Message deleted and report resolved',
        type: 'success',
      });
      await t.http
        .get(`/api/v1/messages/${messageId}`)
        .set(...bearer(reporter))
        .expect(404);
      expect(await reportRow(reportId)).toMatchObject({
        status: 'resolved',
        resolved_by: admin.id,
        message_id: null,
        message_text: 'a rude remark',
      });
      const target = { target_user_id: author.id, target_room_id: room };
      expect(await auditAfter(mark)).toEqual([
        {
          actor_id: admin.id,
          action: 'message.delete',
          ...target,
          target_message_id: messageId,
          reason: 'insulting',
          details: { via: 'report' },
        },
        {
          actor_id: admin.id,
          action: 'report.resolve',
          ...target,
          target_message_id: messageId,
          reason: 'insulting',
          details: { via: 'panel', report_id: reportId, deleted: true },
        },
      ]);
    });

    it('mutes the author everywhere with a reason and an end, audited once, the report left open', async () => {
      const { author, room, reportId } = await reportedMessage();
      const until = inSeconds(3600);
      const mark = await auditMark();
      const answer = await actOnReport(reportId, { decision: 'mute', note: 'cool off', until });
      expect(answer.notice).toMatchObject({ type: 'success' });
      const mutes = await t.db.query(
        'SELECT id, room_id, actor_id, reason, until FROM mutes WHERE user_id = $1',
        [author.id],
      );
      expect(mutes).toEqual([
        {
          id: expect.any(Number),
          room_id: null,
          actor_id: admin.id,
          reason: 'cool off',
          until: new Date(until),
        },
      ]);
      const refused = await send(author, room, 'still here').expect(403);
      expect(JSON.stringify(refused.body)).toMatch(/mute/i);
      await send(author, GENERAL, 'and here').expect(403);
      expect(await auditAfter(mark)).toEqual([
        {
          actor_id: admin.id,
          action: 'user.mute',
          target_user_id: author.id,
          target_room_id: null,
          target_message_id: null,
          reason: 'cool off',
          details: { via: 'panel', mute_id: mutes[0].id, until },
        },
      ]);
      expect((await reportRow(reportId)).status).toBe('open');
    });

    it('bans the author with a reason and no end, ending their sessions, audited once', async () => {
      const { author, reportId } = await reportedMessage();
      const mark = await auditMark();
      const answer = await actOnReport(reportId, { decision: 'ban', note: 'spammer' });
      expect(answer.notice).toMatchObject({ type: 'success' });
      const bans = await t.db.query(
        'SELECT actor_id, reason, until FROM bans WHERE user_id = $1 AND lifted_at IS NULL',
        [author.id],
      );
      expect(bans).toEqual([{ actor_id: admin.id, reason: 'spammer', until: null }]);
      await t.http
        .get('/user/me')
        .set(...bearer(author))
        .expect(401);
      await t.http.post('/user/login').send({ name: author.name, password: PASSWORD }).expect(409);
      expect(await auditAfter(mark)).toEqual([
        {
          actor_id: admin.id,
          action: 'user.ban',
          target_user_id: author.id,
          target_room_id: null,
          target_message_id: null,
          reason: 'spammer',
          details: { via: 'panel', until: null },
        },
      ]);
      expect((await reportRow(reportId)).status).toBe('open');
    });

    it.each([
      ['a mute without a reason', { decision: 'mute' }, 'Give the reason for the mute as the note'],
      [
        'a blank reason',
        { decision: 'ban', note: '  ' },
        'Give the reason for the ban as the note',
      ],
      [
        'an end in the past',
        { decision: 'ban', note: 'x', until: inSeconds(-60) },
        'until must be in the future',
      ],
      [
        'an end that is not a time',
        { decision: 'mute', note: 'x', until: 'tomorrow' },
        /^Until must be a date and time/,
      ],
      [
        'an end for a resolution',
        { decision: 'resolve', until: inSeconds(60) },
        'An end time goes only with a mute or a ban',
      ],
      [
        'a 501-character note',
        { decision: 'resolve', note: 'x'.repeat(501) },
        'The note must be at most 500 characters',
      ],
      ['an unknown action', { decision: 'purge' }, 'Choose what to do with the report'],
      ['no action', {}, 'Choose what to do with the report'],
    ])('refuses %s, saying why and changing nothing', async (_case, form, why) => {
      const { author, reportId } = await reportedMessage();
      const mark = await auditMark();
      const answer = await actOnReport(reportId, form as Record<string, string>);
      expect(answer.notice?.type).toBe('error');
      expect(answer.notice?.message).toEqual(
        typeof why === 'string' ? why : expect.stringMatching(why),
      );
      expect((await reportRow(reportId)).status).toBe('open');
      const [{ n }] = await t.db.query(
        `SELECT (SELECT count(*) FROM mutes WHERE user_id = $1)
              + (SELECT count(*) FROM bans WHERE user_id = $1) AS n`,
        [author.id],
      );
      expect(Number(n)).toBe(0);
      expect(await auditAfter(mark)).toEqual([]);
    });

    it('applies the moderation rules to the panel admin: nobody bans themselves', async () => {
      const reporter = await createUser(t);
      const messageId = (await send(admin, GENERAL, 'an admin speaking').expect(201)).body
        .message_id;
      const report = await t.http
        .post(`/api/v1/messages/${messageId}/reports`)
        .set(...bearer(reporter))
        .send({ reason: 'bossy' })
        .expect(201);
      const mark = await auditMark();
      const answer = await actOnReport(report.body.id, { decision: 'ban', note: 'x' });
      expect(answer.notice).toEqual({ message: 'You cannot do this to yourself', type: 'error' });
      expect(await t.db.query('SELECT id FROM bans WHERE user_id = $1', [admin.id])).toEqual([]);
      expect(await auditAfter(mark)).toEqual([]);
    });

    it('acts as the admin logged in to that panel', async () => {
      const other = await createUserWithRole(t, admin, 3);
      const otherPanel = request.agent(t.baseUrl);
      await otherPanel
        .post('/admin/login')
        .type('form')
        .send({ email: other.name, password: PASSWORD })
        .expect(302);
      const { reportId } = await reportedMessage();
      const mark = await auditMark();
      await otherPanel
        .post(`/admin/api/resources/MessageReport/records/${reportId}/edit`)
        .field('decision', 'resolve')
        .expect(200);
      expect(await auditAfter(mark)).toEqual([
        expect.objectContaining({ actor_id: other.id, action: 'report.resolve' }),
      ]);
    });
  });

  describe('the audit log', () => {
    it('lists rows newest first, filtered by action, actor, target user and time', async () => {
      const moderator = await createUserWithRole(t, admin, 2);
      const [early, late] = [await createUser(t), await createUser(t)];
      const ban = (user: TestUser) =>
        t.http
          .post('/api/v1/moderation/bans')
          .set(...bearer(moderator))
          .send({ user_id: user.id, reason: 'audit list' })
          .expect(201);
      await ban(early);
      const [{ at }] = await t.db.query(
        `SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at`,
      );
      await ban(late);

      const all = await list('AuditLogEntry');
      const ids = all.map((record) => Number(record.id));
      expect(ids).toEqual([...ids].sort((a, b) => b - a));

      const bans = await list('AuditLogEntry', { 'filters.action': 'user.ban' });
      expect(new Set(bans.map((record) => record.params.action))).toEqual(new Set(['user.ban']));
      // The action as a whole: "ban" is not "user.ban", "user.unban" nor "room.unban".
      expect(await list('AuditLogEntry', { 'filters.action': 'ban' })).toEqual([]);
      expect(await list('AuditLogEntry', { 'filters.action': 'user.unban' })).toEqual([]);

      const byModerator = await list('AuditLogEntry', { 'filters.actorId': moderator.id });
      expect(byModerator.map((record) => record.params.targetUserId)).toEqual([late.id, early.id]);
      expect(byModerator[0].populated.actorId?.title).toBe(moderator.name);
      expect(byModerator[0].populated.targetUserId?.title).toBe(late.name);

      const aboutEarly = await list('AuditLogEntry', { 'filters.targetUserId': early.id });
      expect(aboutEarly.map((record) => record.params.actorId)).toEqual([moderator.id]);

      const since = await list('AuditLogEntry', {
        'filters.actorId': moderator.id,
        'filters.createdAt~~from': at,
      });
      expect(since.map((record) => record.params.targetUserId)).toEqual([late.id]);

      const shown = await show('AuditLogEntry', byModerator[0].id);
      expect(shown.params).toMatchObject({
        action: 'user.ban',
        actorId: moderator.id,
        targetUserId: late.id,
        reason: 'audit list',
      });
      expect(JSON.parse(String(shown.params.details))).toEqual({ via: 'api', until: null });
      expect(shown.recordActions.map((action) => action.name)).toEqual(['show']);
    });

    it('refuses new, edit, delete and bulk delete, every row left as it was', async () => {
      const moderator = await createUserWithRole(t, admin, 2);
      const target = await createUser(t);
      await t.http
        .post('/api/v1/moderation/bans')
        .set(...bearer(moderator))
        .send({ user_id: target.id, reason: 'kept as it was' })
        .expect(201);
      const [{ id }] = await list('AuditLogEntry', { 'filters.targetUserId': target.id });
      const everyRow = () => t.db.query('SELECT * FROM audit_log ORDER BY id');
      const before = await everyRow();

      const attempts = [
        () => postForm(`AuditLogEntry/records/${id}/edit`, { reason: 'rewritten' }),
        () => postForm(`AuditLogEntry/records/${id}/delete`, {}),
        () => postForm(`AuditLogEntry/bulk/bulkDelete?recordIds=${id}`, {}),
        () => postForm('AuditLogEntry/actions/new', { action: 'user.ban', reason: 'forged' }),
      ];
      // AdminJS's own refusal, before any handler runs (not the table's trigger).
      const forbidden = { message: 'forbiddenError', type: 'error' };
      for (const attempt of attempts) expect((await attempt()).notice).toEqual(forbidden);
      for (const page of [`records/${id}/edit`, `records/${id}/delete`, 'actions/new']) {
        const answer = await panel.get(`/admin/api/resources/AuditLogEntry/${page}`).expect(200);
        expect(answer.body.notice).toEqual(forbidden);
      }
      expect(await everyRow()).toEqual(before);
    });
  });

  describe('each panel action, audited once with the panel admin as the actor', () => {
    const viaPanel = { via: 'panel' };

    it('a role change, with the roles from and to; a save that changes nothing records nothing', async () => {
      const moderator = await createUserWithRole(t, admin, 2);
      const mark = await auditMark();
      const edit = (role: string) => postForm(`User/records/${moderator.id}/edit`, { role });
      expect((await edit('1')).notice).toMatchObject({ type: 'success' });
      expect((await edit('1')).notice).toMatchObject({ type: 'success' });
      expect(await auditAfter(mark)).toEqual([
        {
          actor_id: admin.id,
          action: 'user.role',
          target_user_id: moderator.id,
          target_room_id: null,
          target_message_id: null,
          reason: null,
          details: { ...viaPanel, from: 2, to: 1 },
        },
      ]);
    });

    it('an account deletion, naming the account as it was; a second one is refused', async () => {
      const user = await createUser(t);
      const mark = await auditMark();
      const remove = () => postForm(`User/records/${user.id}/delete`, {});
      expect((await remove()).notice).toMatchObject({ type: 'success' });
      expect((await remove()).notice).toEqual({
        message: 'This account is deleted already',
        type: 'error',
      });
      expect(await auditAfter(mark)).toEqual([
        {
          actor_id: admin.id,
          action: 'user.delete',
          target_user_id: user.id,
          target_room_id: null,
          target_message_id: null,
          reason: null,
          details: { ...viaPanel, name: user.name },
        },
      ]);
    });

    it('a message edit and a message deletion', async () => {
      const author = await createUser(t);
      const messageId = (await send(author, GENERAL, 'typo heer').expect(201)).body.message_id;
      const mark = await auditMark();
      const edited = await postForm(`Message/records/${messageId}/edit`, { text: 'typo here' });
      expect(edited.notice).toMatchObject({ type: 'success' });
      const deleted = await postForm(`Message/records/${messageId}/delete`, {});
      expect(deleted.notice).toMatchObject({ type: 'success' });
      const target = {
        actor_id: admin.id,
        target_user_id: author.id,
        target_room_id: GENERAL,
        target_message_id: messageId,
        reason: null,
        details: viaPanel,
      };
      expect(await auditAfter(mark)).toEqual([
        { ...target, action: 'message.edit' },
        { ...target, action: 'message.delete' },
      ]);
    });

    it('a room archive, once even when asked twice', async () => {
      const owner = await createUser(t);
      const room = await rooms.create(owner, 'public', 'to be archived');
      const mark = await auditMark();
      await postForm(`Room/records/${room}/delete`, {});
      await postForm(`Room/records/${room}/delete`, {});
      expect(await auditAfter(mark)).toEqual([
        {
          actor_id: admin.id,
          action: 'room.archive',
          target_user_id: null,
          target_room_id: room,
          target_message_id: null,
          reason: null,
          details: viaPanel,
        },
      ]);
    });

    it('a membership removal; a refused one records nothing', async () => {
      const [owner, member] = [await createUser(t), await createUser(t)];
      const room = await rooms.privateWith(owner, member);
      const dm = (
        await t.http
          .post('/api/v1/dms')
          .set(...bearer(owner))
          .send({ user_id: member.id })
          .expect(201)
      ).body.id;
      const mark = await auditMark();
      const removed = await postForm(`RoomMembership/records/${room}:${member.id}/delete`, {});
      expect(removed.notice).toMatchObject({ type: 'success' });
      const refused = await postForm(`RoomMembership/records/${dm}:${member.id}/delete`, {});
      expect(refused.notice).toMatchObject({ type: 'error' });
      expect(await auditAfter(mark)).toEqual([
        {
          actor_id: admin.id,
          action: 'room.member.remove',
          target_user_id: member.id,
          target_room_id: room,
          target_message_id: null,
          reason: null,
          details: viaPanel,
        },
      ]);
    });
  });
});
