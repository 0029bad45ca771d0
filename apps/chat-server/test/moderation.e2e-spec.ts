import { ChatClient } from './support/chat-client';
import {
  bearer,
  createUser,
  createUserWithRole,
  login,
  loginAdmin,
  PASSWORD,
  TestUser,
} from './support/factories';
import { readMetrics, seriesKey } from './support/metrics';
import { startTestApp, TestApp } from './support/test-app';
import { until } from './support/until';
import { V2Client } from './support/v2-client';
import { roomsApi } from './support/v2-rooms';

const GENERAL = 1;
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

describe('moderation', () => {
  let t: TestApp;
  let admin: TestUser;
  let rooms: ReturnType<typeof roomsApi>;
  const open: { close(): void }[] = [];

  beforeAll(async () => {
    t = await startTestApp({ MESSAGE_RATE_BURST: '100000' });
    admin = await loginAdmin(t);
    rooms = roomsApi(t);
  });
  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });
  afterAll(() => t.close());

  const post = (by: TestUser, path: string, body: object) =>
    t.http
      .post(path)
      .set(...bearer(by))
      .send(body);
  const del = (by: TestUser, path: string) => t.http.delete(path).set(...bearer(by));
  const send = (by: TestUser, roomId: number, text: string) =>
    post(by, `/api/v1/rooms/${roomId}/messages`, { text });
  const auditOf = async (action: string) =>
    t.db.query(
      `SELECT actor_id, target_user_id, target_room_id, target_message_id::float8 AS target_message_id, reason, details
         FROM audit_log WHERE action = $1 ORDER BY id`,
      [action],
    );
  const userOf = (role: 1 | 2 | 3) =>
    role === 1 ? createUser(t) : createUserWithRole(t, admin, role);

  describe('bans', () => {
    const ROLES = [1, 2, 3] as const;
    const allowed = (actor: number, target: number) => actor >= 2 && (target === 1 || actor === 3);

    it.each(ROLES.flatMap((actor) => ROLES.map((target) => [actor, target] as const)))(
      'role %s banning role %s: allowed only for moderators on users and for admins',
      async (actorRole, targetRole) => {
        const [actor, target] = [await userOf(actorRole), await userOf(targetRole)];
        const response = await post(actor, '/api/v1/moderation/bans', {
          user_id: target.id,
          reason: 'matrix',
        });
        expect(response.status).toBe(allowed(actorRole, targetRole) ? 201 : 403);
        const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM bans WHERE user_id = $1', [
          target.id,
        ]);
        expect(n).toBe(allowed(actorRole, targetRole) ? 1 : 0);
      },
    );

    it('refuses banning yourself, an admin or yourself as admin too', async () => {
      const moderator = await userOf(2);
      await post(moderator, '/api/v1/moderation/bans', {
        user_id: moderator.id,
        reason: 'x',
      }).expect(403);
      await post(admin, '/api/v1/moderation/bans', { user_id: admin.id, reason: 'x' }).expect(403);
    });

    it('closes the sockets with a notice, ends the sessions, refuses sign-in until unbanned', async () => {
      const moderator = await userOf(2);
      const user = await createUser(t);
      const v2 = await V2Client.connect(t.baseUrl, user);
      const compat = await ChatClient.connect(t.baseUrl, user.token);
      open.push(v2, compat);
      const until = inSeconds(3600);
      const banned = await post(moderator, '/api/v1/moderation/bans', {
        user_id: user.id,
        reason: 'spam',
        until,
      }).expect(201);
      expect(banned.body).toMatchObject({
        user_id: user.id,
        actor_id: moderator.id,
        reason: 'spam',
      });

      const notice = await v2.next((frame) => frame.type === 'error' && frame.code === 'banned');
      expect(notice.detail).toBe(`Banned until ${banned.body.until}: spam`);
      expect(await v2.closed).toEqual({ code: 1008, reason: 'Banned' });
      expect(await compat.closed).toEqual({ code: 1008, reason: 'Banned' });
      expect(compat.frames).toContainEqual({ event: 'send user message', message: 'Banned' });

      await t.http
        .get('/api/v1/me')
        .set(...bearer(user))
        .expect(401);
      const refused = await t.http
        .post('/user/login')
        .send({ name: user.name, password: PASSWORD })
        .expect(409);
      expect(refused.body.detail).toBe(`Banned until ${banned.body.until}: spam`);
      // A wrong password says nothing about the ban.
      const wrong = await t.http.post('/user/login').send({ name: user.name, password: 'nope' });
      expect(wrong.body.detail).toBe('Invalid credentials');

      await del(moderator, `/api/v1/moderation/bans/${user.id}`).expect(204);
      await login(t, user.name, PASSWORD);
      await del(moderator, `/api/v1/moderation/bans/${user.id}`).expect(404);
      expect(await auditOf('user.ban')).toContainEqual(
        expect.objectContaining({
          actor_id: moderator.id,
          target_user_id: user.id,
          reason: 'spam',
        }),
      );
      expect(
        (await auditOf('user.unban')).filter(
          (row: { target_user_id: number }) => row.target_user_id === user.id,
        ),
      ).toEqual([expect.objectContaining({ actor_id: moderator.id })]);
    });

    it('ends a timed ban by itself', async () => {
      const user = await createUser(t);
      await post(admin, '/api/v1/moderation/bans', {
        user_id: user.id,
        reason: 'cool off',
        until: inSeconds(1.5),
      }).expect(201);
      await t.http.post('/user/login').send({ name: user.name, password: PASSWORD }).expect(409);
      await until('signed in again', async () => {
        const answer = await t.http
          .post('/user/login')
          .send({ name: user.name, password: PASSWORD });
        return answer.status === 200;
      });
    });

    it('refuses bad input with a clear error and changes nothing', async () => {
      const user = await createUser(t);
      const cases: [object, number, string][] = [
        [{ user_id: user.id, reason: 'x', until: inSeconds(-60) }, 422, 'until'],
        [{ user_id: user.id, reason: 'x'.repeat(10_240) }, 422, 'reason'],
        [{ user_id: user.id, reason: '   ' }, 422, 'reason'],
        [{ user_id: user.id, reason: 'x', until: 'tomorrow' }, 422, 'until'],
        [{ user_id: user.id, reason: 'x', until: inSeconds(86400 * 366 * 11) }, 422, 'until'],
        [{ user_id: 2_000_000_000, reason: 'x' }, 404, ''],
        [{ user_id: 'one', reason: 'x' }, 422, 'user_id'],
      ];
      for (const [body, status, field] of cases) {
        const response = await post(admin, '/api/v1/moderation/bans', body).expect(status);
        if (field)
          expect(response.body.detail.map((p: { field: string }) => p.field)).toContain(field);
      }
      const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM bans WHERE user_id = $1', [
        user.id,
      ]);
      expect(n).toBe(0);
    });
  });

  describe('mutes', () => {
    it('a site-wide mute stops sending and editing everywhere, with the end time, and lifts', async () => {
      const moderator = await userOf(2);
      const user = await createUser(t);
      const room = await rooms.create(user, 'public');
      const sent = await send(user, room, 'before the mute').expect(201);
      const client = await V2Client.connect(t.baseUrl, user);
      open.push(client);

      const mute = await post(moderator, '/api/v1/moderation/mutes', {
        user_id: user.id,
        reason: 'flood',
        until: inSeconds(3600),
      }).expect(201);
      const detail = `You are muted everywhere until ${mute.body.until}`;
      expect((await send(user, GENERAL, 'x').expect(403)).body.detail).toBe(detail);
      expect((await send(user, room, 'x').expect(403)).body.detail).toBe(detail);
      const edit = await t.http
        .patch(`/api/v1/messages/${sent.body.message_id}`)
        .set(...bearer(user))
        .send({ text: 'edited' })
        .expect(403);
      expect(edit.body.detail).toBe(detail);
      const frame = await client.request({
        type: 'message.send',
        room_id: room,
        text: 'x',
        client_id: 'c1',
      });
      expect(frame).toMatchObject({ type: 'error', code: 'forbidden', detail });
      expect(client.isOpen).toBe(true);
      // Reading goes on.
      await t.http
        .get(`/api/v1/rooms/${room}/messages`)
        .set(...bearer(user))
        .expect(200);

      await del(moderator, `/api/v1/moderation/mutes/${mute.body.id}`).expect(204);
      await send(user, room, 'after the mute').expect(201);
      expect(await auditOf('user.mute')).toContainEqual(
        expect.objectContaining({
          actor_id: moderator.id,
          target_user_id: user.id,
          reason: 'flood',
        }),
      );
    });

    it('a room mute, by the room owner, holds in that room only and ends by itself', async () => {
      const owner = await createUser(t);
      const user = await createUser(t);
      const room = await rooms.create(owner, 'public');
      await rooms.join(room, user);
      await post(owner, '/api/v1/moderation/mutes', {
        user_id: user.id,
        room_id: room,
        reason: 'off topic',
        until: inSeconds(1.5),
      }).expect(201);
      const refused = await send(user, room, 'x').expect(403);
      expect(refused.body.detail).toMatch(/^You are muted in this room until /);
      await send(user, GENERAL, 'elsewhere is fine').expect(201);
      await until('muted no more', async () => (await send(user, room, 'later')).status === 201);
    });

    it("refuses a compat socket's send of a muted user with a notice", async () => {
      const user = await createUser(t);
      await post(admin, '/api/v1/moderation/mutes', { user_id: user.id, reason: 'x' }).expect(201);
      const compat = await ChatClient.connect(t.baseUrl, user.token);
      open.push(compat);
      compat.send({ message: 'muted words' });
      await compat.next((frame) => frame.message === 'Muted');
    });

    it('lets nobody but the owner or a moderator mute in a room, and no owner mute a moderator', async () => {
      const owner = await createUser(t);
      const member = await createUser(t);
      const moderator = await userOf(2);
      const room = await rooms.create(owner, 'public');
      await rooms.join(room, member);
      await post(member, '/api/v1/moderation/mutes', {
        user_id: owner.id,
        room_id: room,
        reason: 'x',
      }).expect(403);
      await post(owner, '/api/v1/moderation/mutes', {
        user_id: moderator.id,
        room_id: room,
        reason: 'x',
      }).expect(403);
      await post(member, '/api/v1/moderation/mutes', { user_id: owner.id, reason: 'x' }).expect(
        403,
      );
      const secret = await rooms.privateWith(owner);
      await post(member, '/api/v1/moderation/mutes', {
        user_id: owner.id,
        room_id: secret,
        reason: 'x',
      }).expect(404);
    });
  });

  describe('kicks', () => {
    it('removes the member at once, lets them rejoin a public room unless banned from it', async () => {
      const owner = await createUser(t);
      const user = await createUser(t);
      const room = await rooms.create(owner, 'public');
      await rooms.join(room, user);
      const client = await V2Client.connect(t.baseUrl, user);
      open.push(client);

      await post(owner, '/api/v1/moderation/kicks', {
        room_id: room,
        user_id: user.id,
        reason: 'rude',
      }).expect(200, { removed: true, banned: false });
      await client.next((frame) => frame.type === 'room.removed' && frame.room_id === room);
      await rooms.join(room, user);

      const until = inSeconds(3600);
      await post(owner, '/api/v1/moderation/kicks', {
        room_id: room,
        user_id: user.id,
        reason: 'again',
        ban: true,
        until,
      }).expect(200, { removed: true, banned: true });
      const refused = await t.http
        .post(`/api/v1/rooms/${room}/join`)
        .set(...bearer(user))
        .expect(403);
      expect(refused.body.detail).toMatch(/^Banned from this room until .*: again$/);
      await post(owner, `/api/v1/rooms/${room}/members`, { user_id: user.id }).expect(403);

      await del(owner, `/api/v1/moderation/room-bans/${room}/${user.id}`).expect(204);
      await rooms.join(room, user);
      const kicks = (await auditOf('room.kick')).filter(
        (row: { target_room_id: number }) => row.target_room_id === room,
      );
      expect(kicks).toHaveLength(2);
      expect(await auditOf('room.unban')).toContainEqual(
        expect.objectContaining({
          actor_id: owner.id,
          target_room_id: room,
          target_user_id: user.id,
        }),
      );
    });

    it('lets no owner kick a site admin, nor anyone kick from the general room', async () => {
      const owner = await createUser(t);
      const room = await rooms.create(owner, 'public');
      await rooms.join(room, admin);
      await post(owner, '/api/v1/moderation/kicks', {
        room_id: room,
        user_id: admin.id,
        reason: 'x',
      }).expect(403);
      const user = await createUser(t);
      await post(admin, '/api/v1/moderation/kicks', {
        room_id: GENERAL,
        user_id: user.id,
        reason: 'x',
      }).expect(409);
    });
  });

  describe('reports', () => {
    it('takes one report per message and member, and a moderator resolves it, deleting the message', async () => {
      const author = await createUser(t);
      const reporter = await createUser(t);
      const moderator = await userOf(2);
      const message = (await send(author, GENERAL, 'a rude remark').expect(201)).body;

      const report = await post(reporter, `/api/v1/messages/${message.message_id}/reports`, {
        reason: 'rude',
      }).expect(201);
      expect(report.body).toMatchObject({
        message_id: message.message_id,
        room_id: GENERAL,
        author_id: author.id,
        author_name: author.name,
        message_text: 'a rude remark',
        reporter_id: reporter.id,
        reason: 'rude',
        status: 'open',
      });
      await post(reporter, `/api/v1/messages/${message.message_id}/reports`, {
        reason: 'x',
      }).expect(409);
      await post(author, `/api/v1/messages/${message.message_id}/reports`, { reason: 'x' }).expect(
        409,
      );
      await post(reporter, `/api/v1/messages/${message.message_id}/reports`, {
        reason: 'x'.repeat(10_240),
      }).expect(422);

      await t.http
        .get('/api/v1/moderation/reports')
        .set(...bearer(reporter))
        .expect(403);
      const queue = await t.http
        .get('/api/v1/moderation/reports')
        .set(...bearer(moderator))
        .expect(200);
      expect(queue.body.reports.map((r: { id: number }) => r.id)).toContain(report.body.id);

      const resolved = await post(
        moderator,
        `/api/v1/moderation/reports/${report.body.id}/resolve`,
        {
          note: 'removed',
          delete_message: true,
        },
      ).expect(200);
      expect(resolved.body).toMatchObject({
        status: 'resolved',
        resolved_by: moderator.id,
        message_id: null,
      });
      expect(resolved.body.message_text).toBe('a rude remark');
      await t.http
        .get(`/api/v1/messages/${message.message_id}`)
        .set(...bearer(reporter))
        .expect(404);
      await post(moderator, `/api/v1/moderation/reports/${report.body.id}/resolve`, {}).expect(409);

      expect(await auditOf('message.delete')).toContainEqual(
        expect.objectContaining({
          actor_id: moderator.id,
          target_user_id: author.id,
          target_message_id: message.message_id,
          details: { via: 'report' },
        }),
      );
      expect(
        (await auditOf('report.resolve')).filter(
          (row: { details: { report_id: number } }) => row.details.report_id === report.body.id,
        ),
      ).toHaveLength(1);
    });

    it("hides a private room's message from a reporter outside it", async () => {
      const owner = await createUser(t);
      const outsider = await createUser(t);
      const secret = await rooms.privateWith(owner);
      const message = (await send(owner, secret, 'inside').expect(201)).body;
      await post(outsider, `/api/v1/messages/${message.message_id}/reports`, {
        reason: 'x',
      }).expect(404);
    });
  });

  describe('the audit log', () => {
    it('records a moderator deleting and an owner deleting another member message, once each', async () => {
      const owner = await createUser(t);
      const member = await createUser(t);
      const room = await rooms.create(owner, 'public');
      await rooms.join(room, member);
      const own = (await send(owner, room, 'mine').expect(201)).body;
      const theirs = (await send(member, room, 'theirs').expect(201)).body;
      await del(owner, `/api/v1/messages/${own.message_id}`).expect(200);
      await del(owner, `/api/v1/messages/${theirs.message_id}`).expect(200);
      const rows = (await auditOf('message.delete')).filter(
        (row: { target_room_id: number }) => row.target_room_id === room,
      );
      expect(rows).toEqual([
        expect.objectContaining({
          actor_id: owner.id,
          target_user_id: member.id,
          target_message_id: theirs.message_id,
          details: { via: 'api' },
        }),
      ]);
    });

    it('is read by admins only, filtered, newest first', async () => {
      const moderator = await userOf(2);
      await t.http
        .get('/api/v1/moderation/audit')
        .set(...bearer(moderator))
        .expect(403);
      const page = await t.http
        .get('/api/v1/moderation/audit')
        .query({ action: 'user.ban' })
        .set(...bearer(admin))
        .expect(200);
      expect(page.body.entries.length).toBeGreaterThan(0);
      for (const entry of page.body.entries) expect(entry.action).toBe('user.ban');
      const ids = page.body.entries.map((entry: { id: number }) => entry.id);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      await t.http
        .get('/api/v1/moderation/audit')
        .query({ action: 'drop table' })
        .set(...bearer(admin))
        .expect(422);
    });

    it('cannot be changed or emptied, by anyone', async () => {
      for (const sql of [
        'UPDATE audit_log SET reason = $1',
        'DELETE FROM audit_log WHERE reason <> $1',
        'TRUNCATE audit_log',
      ]) {
        await expect(t.db.query(sql, sql.includes('$1') ? ['x'] : [])).rejects.toThrow(
          'audit_log is append-only',
        );
      }
    });

    it('counts actions in Prometheus by action', async () => {
      const metrics = await readMetrics(t);
      const bans = (await auditOf('user.ban')).length;
      expect(metrics.get(seriesKey('chat_moderation_actions_total', { action: 'user.ban' }))).toBe(
        bans,
      );
    });
  });
});

describe('report limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ REPORT_RATE_BURST: '2', REPORT_RATE_PER_MINUTE: '1' });
  });
  afterAll(() => t.close());

  it('refuses reports past the burst with 429, storing nothing more', async () => {
    const [author, reporter] = [await createUser(t), await createUser(t)];
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const message = await t.http
        .post(`/api/v1/rooms/${GENERAL}/messages`)
        .set(...bearer(author))
        .send({ text: `message ${i}` })
        .expect(201);
      const report = await t.http
        .post(`/api/v1/messages/${message.body.message_id}/reports`)
        .set(...bearer(reporter))
        .send({ reason: 'spam' });
      statuses.push(report.status);
    }
    expect(statuses).toEqual([201, 201, 429]);
    const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM message_reports');
    expect(n).toBe(2);
  });
});

/** What the hostile review found, each seen failing before its fix. */
describe('moderation: review findings', () => {
  let t: TestApp;
  let admin: TestUser;
  let rooms: ReturnType<typeof roomsApi>;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    rooms = roomsApi(t);
  });
  afterAll(() => t.close());

  const post = (by: TestUser, path: string, body: object) =>
    t.http
      .post(path)
      .set(...bearer(by))
      .send(body);
  const del = (by: TestUser, path: string) => t.http.delete(path).set(...bearer(by));

  it('bans again: a second ban, a ban after one ran out, and bans at once each take the place of the last', async () => {
    const user = await createUser(t);
    const ban = (reason: string, until?: string) =>
      post(admin, '/api/v1/moderation/bans', { user_id: user.id, reason, until });
    await ban('one').expect(201);
    await ban('two').expect(201);
    const inForce = () =>
      t.db.query('SELECT reason FROM bans WHERE user_id = $1 AND lifted_at IS NULL', [user.id]);
    expect(await inForce()).toEqual([{ reason: 'two' }]);

    await ban('short', inSeconds(1)).expect(201);
    await until('ended', async () => {
      const answer = await t.http.post('/user/login').send({ name: user.name, password: PASSWORD });
      return answer.status === 200;
    });
    await ban('after').expect(201);
    const statuses = await Promise.all(['a', 'b', 'c', 'd'].map((reason) => ban(reason)));
    expect(statuses.map((response) => response.status)).toEqual([201, 201, 201, 201]);
    expect(await inForce()).toHaveLength(1);
  });

  it('keeps a banned admin out of the admin panel', async () => {
    const other = await createUserWithRole(t, admin, 3);
    await post(admin, '/api/v1/moderation/bans', { user_id: other.id, reason: 'rogue' }).expect(
      201,
    );
    const login = await t.http
      .post('/admin/login')
      .type('form')
      .send({ email: other.name, password: PASSWORD });
    expect(login.status === 302 && login.headers.location === '/admin').toBe(false);
  });

  it('lets no owner or moderator remove site staff from a room, and audits a removal', async () => {
    const owner = await createUser(t);
    const member = await createUser(t);
    const moderator = await createUserWithRole(t, admin, 2);
    const room = await rooms.create(owner, 'public');
    for (const user of [admin, moderator, member]) await rooms.join(room, user);
    await del(owner, `/api/v1/rooms/${room}/members/${admin.id}`).expect(403);
    await del(owner, `/api/v1/rooms/${room}/members/${moderator.id}`).expect(403);
    await del(moderator, `/api/v1/rooms/${room}/members/${admin.id}`).expect(403);
    await del(owner, `/api/v1/rooms/${room}/members/${member.id}`).expect(204);
    const rows = await t.db.query(
      `SELECT actor_id, target_user_id, details FROM audit_log
        WHERE action = 'room.member.remove' AND target_room_id = $1`,
      [room],
    );
    expect(rows).toEqual([
      { actor_id: owner.id, target_user_id: member.id, details: { via: 'api' } },
    ]);
  });

  it("lets no owner or moderator delete site staff's messages, nor resolve reports of their own", async () => {
    const owner = await createUser(t);
    const moderator = await createUserWithRole(t, admin, 2);
    const room = await rooms.create(owner, 'public');
    await rooms.join(room, admin);
    const adminMessage = (await send(t, admin, room, 'admin words')).message_id;
    await del(owner, `/api/v1/messages/${adminMessage}`).expect(403);
    await del(moderator, `/api/v1/messages/${adminMessage}`).expect(403);

    const reporter = await createUser(t);
    await rooms.join(room, reporter);
    const report = await post(reporter, `/api/v1/messages/${adminMessage}/reports`, {
      reason: 'x',
    }).expect(201);
    await post(moderator, `/api/v1/moderation/reports/${report.body.id}/resolve`, {
      delete_message: true,
    }).expect(403);
    const own = (await send(t, moderator, GENERAL, 'moderator words')).message_id;
    const ownReport = await post(reporter, `/api/v1/messages/${own}/reports`, {
      reason: 'x',
    }).expect(201);
    await post(moderator, `/api/v1/moderation/reports/${ownReport.body.id}/resolve`, {}).expect(
      403,
    );
  });

  it("shows moderators only public rooms' reports; admins see a DM's", async () => {
    const [a, b] = [await createUser(t), await createUser(t)];
    const moderator = await createUserWithRole(t, admin, 2);
    const dm = await post(a, '/api/v1/dms', { user_id: b.id }).expect(201);
    const secret = (await send(t, a, dm.body.id, 'secret dm text')).message_id;
    const report = await post(b, `/api/v1/messages/${secret}/reports`, { reason: 'x' }).expect(201);
    const queueOf = async (user: TestUser) =>
      (
        await t.http
          .get('/api/v1/moderation/reports')
          .set(...bearer(user))
          .expect(200)
      ).body.reports.map((r: { id: number }) => r.id);
    expect(await queueOf(moderator)).not.toContain(report.body.id);
    expect(await queueOf(admin)).toContain(report.body.id);
    await post(moderator, `/api/v1/moderation/reports/${report.body.id}/resolve`, {}).expect(404);
  });

  it('keeps one mute per user and place, and lets nobody lift what a higher rank made', async () => {
    const user = await createUser(t);
    const moderator = await createUserWithRole(t, admin, 2);
    const first = await post(admin, '/api/v1/moderation/mutes', {
      user_id: user.id,
      reason: 'one',
    }).expect(201);
    const second = await post(admin, '/api/v1/moderation/mutes', {
      user_id: user.id,
      reason: 'two',
    }).expect(201);
    expect(second.body.id).toBe(first.body.id);
    const [{ n }] = await t.db.query(
      'SELECT count(*)::int AS n FROM mutes WHERE user_id = $1 AND lifted_at IS NULL',
      [user.id],
    );
    expect(n).toBe(1);
    await del(moderator, `/api/v1/moderation/mutes/${first.body.id}`).expect(403);

    const owner = await createUser(t);
    const room = await rooms.create(owner, 'public');
    await rooms.join(room, user);
    await post(moderator, '/api/v1/moderation/kicks', {
      room_id: room,
      user_id: user.id,
      reason: 'x',
      ban: true,
    }).expect(200);
    await del(owner, `/api/v1/moderation/room-bans/${room}/${user.id}`).expect(403);
    await del(moderator, `/api/v1/moderation/room-bans/${room}/${user.id}`).expect(204);
  });

  it('answers malformed cursors, notes and kicks with 422, not 500', async () => {
    await t.http
      .get('/api/v1/moderation/reports')
      .query({ cursor: '3000000000' })
      .set(...bearer(admin))
      .expect(422);
    const author = await createUser(t);
    const reporter = await createUser(t);
    const message = (await send(t, author, GENERAL, 'x')).message_id;
    const report = await post(reporter, `/api/v1/messages/${message}/reports`, {
      reason: 'x',
    }).expect(201);
    await post(admin, `/api/v1/moderation/reports/${report.body.id}/resolve`, {
      note: 'a\u0000b',
    }).expect(422);
    const room = await rooms.create(author, 'public');
    await rooms.join(room, reporter);
    const kick = await post(author, '/api/v1/moderation/kicks', {
      room_id: room,
      user_id: reporter.id,
      reason: 'x',
      until: inSeconds(60),
    }).expect(422);
    expect(kick.body.detail[0].field).toBe('until');
  });
});

describe('moderation limits', () => {
  it('refuses moderation actions past MODERATION_RATE_BURST with 429', async () => {
    const t = await startTestApp({ MODERATION_RATE_BURST: '2', MODERATION_RATE_PER_MINUTE: '1' });
    try {
      const admin = await loginAdmin(t);
      const user = await createUser(t);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await t.http
          .post('/api/v1/moderation/mutes')
          .set(...bearer(admin))
          .send({ user_id: user.id, reason: `r${i}` });
        statuses.push(response.status);
      }
      expect(statuses).toEqual([201, 201, 429]);
    } finally {
      await t.close();
    }
  });
});

async function send(t: TestApp, by: TestUser, roomId: number, text: string) {
  const response = await t.http
    .post(`/api/v1/rooms/${roomId}/messages`)
    .set(...bearer(by))
    .send({ text })
    .expect(201);
  return response.body as { message_id: number };
}

describe('moderation: admin and moderator actions outside /moderation', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
  });
  afterAll(() => t.close());

  const auditOf = (action: string) =>
    t.db.query(
      `SELECT actor_id, target_user_id, target_room_id, details FROM audit_log WHERE action = $1`,
      [action],
    );

  it('audits an admin creating an account, with its role', async () => {
    const moderator = await createUserWithRole(t, admin, 2);
    expect(await auditOf('user.create')).toContainEqual({
      actor_id: admin.id,
      target_user_id: moderator.id,
      target_room_id: null,
      details: { via: 'api', role: 2 },
    });
  });

  it('audits a moderator changing a room they do not own, not an owner changing theirs', async () => {
    const owner = await createUser(t);
    const moderator = await createUserWithRole(t, admin, 2);
    const room = await roomsApi(t).create(owner, 'public');
    await roomsApi(t).rename(room, owner, 'by the owner');
    await roomsApi(t).rename(room, moderator, 'by a moderator');
    const rows = (await auditOf('room.update')).filter(
      (row: { target_room_id: number }) => row.target_room_id === room,
    );
    expect(rows).toEqual([
      {
        actor_id: moderator.id,
        target_user_id: null,
        target_room_id: room,
        details: { via: 'api', name: 'by a moderator' },
      },
    ]);
  });
});
