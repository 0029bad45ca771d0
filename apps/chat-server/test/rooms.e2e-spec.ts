import { ChatEvent, EventBus } from '@chat/events';
import { bearer, createUser, createUserWithRole, loginAdmin, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

const ROOM_KEYS = [
  'archived',
  'created_at',
  'id',
  'kind',
  'last_seq',
  'member_count',
  'name',
  'peer',
  'room_role',
  'topic',
];

describe('rooms over HTTP: create, read, list, rename, archive', () => {
  let t: TestApp;
  let owner: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  let moderator: TestUser;
  let admin: TestUser;
  const published: ChatEvent[] = [];
  let unsubscribe: () => void;

  beforeAll(async () => {
    t = await startTestApp({ ROOMS_CREATED_PER_HOUR: '1000' });
    unsubscribe = t.app.get(EventBus).subscribe((event) => published.push(event));
    admin = await loginAdmin(t);
    [owner, member, outsider] = [await createUser(t), await createUser(t), await createUser(t)];
    moderator = await createUserWithRole(t, admin, 2);
  });
  afterAll(async () => {
    unsubscribe();
    await t.close();
  });

  const lastSeq = async (roomId: number): Promise<number> =>
    (await t.db.query('SELECT last_seq::float8 AS n FROM rooms WHERE id = $1', [roomId]))[0].n;
  const changes = (roomId: number) =>
    t.db.query(
      'SELECT seq::float8 AS seq, type, payload FROM room_changes WHERE room_id = $1 ORDER BY seq',
      [roomId],
    );
  const roomCount = async (): Promise<number> =>
    (await t.db.query('SELECT count(*)::int AS n FROM rooms'))[0].n;

  async function createRoom(
    user: TestUser,
    body: Record<string, unknown> = { name: 'room', kind: 'public' },
  ): Promise<{ id: number } & Record<string, unknown>> {
    return (
      await t.http
        .post('/api/v1/rooms')
        .set(...bearer(user))
        .send(body)
        .expect(201)
    ).body;
  }

  async function addMember(roomId: number, by: TestUser, user: TestUser): Promise<void> {
    await t.http
      .post(`/api/v1/rooms/${roomId}/members`)
      .set(...bearer(by))
      .send({ user_id: user.id })
      .expect(201);
  }

  describe('POST /api/v1/rooms', () => {
    it('makes a room with the caller as owner, numbered 1, and announces it after commit', async () => {
      published.length = 0;
      const room = await createRoom(owner, { name: '  Team Blue  ', kind: 'private', topic: 'x' });
      expect(Object.keys(room).sort()).toEqual(ROOM_KEYS);
      expect(room).toMatchObject({
        kind: 'private',
        name: 'Team Blue',
        topic: 'x',
        member_count: 1,
        last_seq: 1,
        archived: false,
        room_role: 'owner',
        peer: null,
      });
      expect(new Date(room.created_at as string).toISOString()).toBe(room.created_at);
      const member = { user_id: owner.id, name: owner.name, role: 1, room_role: 'owner' };
      expect(await changes(room.id)).toEqual([
        {
          seq: 1,
          type: 'member.joined',
          payload: {
            member: { ...member, user_avatar: expect.any(String) },
            room: { ...room, room_role: undefined, peer: undefined },
          },
        },
      ]);
      expect(published).toEqual([
        {
          type: 'member.joined',
          roomId: room.id,
          seq: 1,
          member: expect.objectContaining(member),
          room: expect.objectContaining({ id: room.id, last_seq: 1, member_count: 1 }),
        },
      ]);
    });

    it.each([
      [{ name: '', kind: 'public' }, 'name'],
      [{ name: '   ', kind: 'public' }, 'name'],
      [{ name: 'x'.repeat(65), kind: 'public' }, 'name'],
      [{ name: 'bell\u0007', kind: 'public' }, 'name'],
      [{ name: 'two\nlines', kind: 'public' }, 'name'],
      [{ name: 42, kind: 'public' }, 'name'],
      [{ name: 'ok', kind: 'direct' }, 'kind'],
      [{ name: 'ok', kind: 'secret' }, 'kind'],
      [{ name: 'ok', kind: 'public', topic: 'x'.repeat(257) }, 'topic'],
      [{ name: 'ok', kind: 'public', topic: 'nul\u0000' }, 'topic'],
    ])('refuses %j with 422 on %s and stores nothing', async (body, field) => {
      const before = await roomCount();
      const response = await t.http
        .post('/api/v1/rooms')
        .set(...bearer(owner))
        .send(body)
        .expect(422);
      expect(response.body.detail.map((p: { field: string }) => p.field)).toEqual([field]);
      expect(await roomCount()).toBe(before);
    });

    it('takes 64 characters and a 256-character topic', async () => {
      const room = await createRoom(owner, {
        name: '😀'.repeat(64),
        kind: 'public',
        topic: 't'.repeat(256),
      });
      expect(room.name).toBe('😀'.repeat(64));
    });

    it('needs a bearer token', async () => {
      await t.http.post('/api/v1/rooms').send({ name: 'a', kind: 'public' }).expect(401);
      await t.http.get('/api/v1/rooms').expect(401);
    });
  });

  describe('GET /api/v1/rooms/:id', () => {
    it('shows a public room to anyone, with their room role or null', async () => {
      const room = await createRoom(owner);
      const seen = await t.http
        .get(`/api/v1/rooms/${room.id}`)
        .set(...bearer(outsider))
        .expect(200);
      expect(seen.body).toMatchObject({ id: room.id, room_role: null, member_count: 1 });
      const own = await t.http
        .get(`/api/v1/rooms/${room.id}`)
        .set(...bearer(owner))
        .expect(200);
      expect(own.body.room_role).toBe('owner');
    });

    it('shows the general room to everyone as a member', async () => {
      const response = await t.http
        .get('/api/v1/rooms/1')
        .set(...bearer(outsider))
        .expect(200);
      expect(response.body).toMatchObject({
        id: 1,
        kind: 'public',
        name: 'general',
        room_role: 'member',
      });
      const [{ n }] = await t.db.query(
        'SELECT count(*)::int AS n FROM users WHERE deleted_at IS NULL',
      );
      expect(response.body.member_count).toBe(n);
    });

    it('answers 404 for a room that does not exist', async () => {
      const response = await t.http
        .get('/api/v1/rooms/999999')
        .set(...bearer(owner))
        .expect(404);
      expect(response.body).toEqual({ detail: 'Room not found' });
    });

    const BAD_IDS = ['abc', '-1', '0', '1.5', '1e3', '2147483648', '99999999999999999999', '%20'];
    const ROUTES: [string, (id: string) => string][] = [
      ['get', (id) => `/api/v1/rooms/${id}`],
      ['patch', (id) => `/api/v1/rooms/${id}`],
      ['delete', (id) => `/api/v1/rooms/${id}`],
      ['post', (id) => `/api/v1/rooms/${id}/join`],
      ['post', (id) => `/api/v1/rooms/${id}/leave`],
      ['get', (id) => `/api/v1/rooms/${id}/members`],
      ['post', (id) => `/api/v1/rooms/${id}/members`],
      ['delete', (id) => `/api/v1/rooms/${id}/members/2`],
    ];

    it('refuses an id that is not 1..2^31-1 with 422 on every route', async () => {
      for (const id of BAD_IDS) {
        for (const [method, path] of ROUTES) {
          const response = await (
            t.http as unknown as Record<string, (p: string) => import('supertest').Test>
          )
            [method](path(id))
            .set(...bearer(owner))
            .send({ name: 'x', user_id: owner.id });
          expect([method, path(id), response.status]).toEqual([method, path(id), 422]);
          expect(response.body.detail).toEqual([
            { field: 'id', message: 'id must be an integer from 1 to 2147483647' },
          ]);
        }
      }
      const member = await t.http
        .delete('/api/v1/rooms/1/members/-5')
        .set(...bearer(owner))
        .expect(422);
      expect(member.body.detail).toEqual([
        { field: 'user_id', message: 'user_id must be an integer from 1 to 2147483647' },
      ]);
    });
  });

  describe('GET /api/v1/rooms', () => {
    it("lists the general room first, then the caller's rooms with their newest message", async () => {
      const lister = await createUser(t);
      const mine = await createRoom(lister, { name: 'mine', kind: 'private' });
      const joined = await createRoom(owner, { name: 'joined', kind: 'public' });
      await t.http
        .post(`/api/v1/rooms/${joined.id}/join`)
        .set(...bearer(lister))
        .expect(201);
      await createRoom(owner, { name: 'not mine', kind: 'public' });
      await t.db.query(`INSERT INTO messages (room_id, user_id, text) VALUES ($1, $2, 'first')`, [
        joined.id,
        owner.id,
      ]);
      await t.db.query(
        `INSERT INTO messages (room_id, user_id, text, edited_at) VALUES ($1, $2, 'second', now())`,
        [joined.id, lister.id],
      );

      const response = await t.http
        .get('/api/v1/rooms')
        .set(...bearer(lister))
        .expect(200);
      expect(response.body.map((room: { id: number }) => room.id)).toEqual([1, mine.id, joined.id]);
      const [general, own, other] = response.body;
      expect(general).toMatchObject({ name: 'general', room_role: 'member' });
      expect(own).toMatchObject({ room_role: 'owner', last_message: null, peer: null });
      expect(other).toMatchObject({ room_role: 'member', last_seq: 4 });
      expect(other.last_message).toEqual({
        message_id: expect.any(Number),
        room_id: joined.id,
        seq: 4,
        user_id: lister.id,
        name: lister.name,
        role: 1,
        user_avatar: expect.stringMatching(/^\/static\/avatars\//),
        message: 'second',
        time_send: expect.stringMatching(/^\d\d:\d\d:\d\d$/),
        created_at: expect.any(String),
        edited: true,
        edited_at: expect.stringMatching(/Z$/),
        mentions: [],
      });
    });

    it('keeps archived rooms in the list, marked archived', async () => {
      const room = await createRoom(outsider, { name: 'to archive', kind: 'public' });
      await t.http
        .delete(`/api/v1/rooms/${room.id}`)
        .set(...bearer(outsider))
        .expect(200);
      const response = await t.http
        .get('/api/v1/rooms')
        .set(...bearer(outsider))
        .expect(200);
      expect(response.body.find((r: { id: number }) => r.id === room.id)).toMatchObject({
        archived: true,
      });
    });
  });

  describe('PATCH /api/v1/rooms/:id', () => {
    it('lets the owner rename and set the topic, one number per change, announced', async () => {
      const room = await createRoom(owner, { name: 'before', kind: 'private' });
      published.length = 0;
      const renamed = await t.http
        .patch(`/api/v1/rooms/${room.id}`)
        .set(...bearer(owner))
        .send({ name: ' after ', topic: 'about' })
        .expect(200);
      expect(renamed.body).toMatchObject({ name: 'after', topic: 'about', last_seq: 2 });
      expect(await lastSeq(room.id)).toBe(2);
      const [, change] = await changes(room.id);
      expect(change).toMatchObject({
        seq: 2,
        type: 'room.updated',
        payload: { room: { id: room.id, name: 'after', topic: 'about', last_seq: 2 } },
      });
      expect(published).toEqual([
        { type: 'room.updated', roomId: room.id, seq: 2, room: change.payload.room },
      ]);

      // Clearing the topic is a change; the same values again are not.
      await t.http
        .patch(`/api/v1/rooms/${room.id}`)
        .set(...bearer(owner))
        .send({ topic: '' })
        .expect(200);
      expect(await lastSeq(room.id)).toBe(3);
      await t.http
        .patch(`/api/v1/rooms/${room.id}`)
        .set(...bearer(owner))
        .send({ name: 'after', topic: '' })
        .expect(200);
      expect(await lastSeq(room.id)).toBe(3);
    });

    it('refuses members who are not owners, and outsiders of public rooms, with 403', async () => {
      const room = await createRoom(owner, { name: 'ruled', kind: 'public' });
      await addMember(room.id, owner, member);
      for (const user of [member, outsider]) {
        const response = await t.http
          .patch(`/api/v1/rooms/${room.id}`)
          .set(...bearer(user))
          .send({ name: 'mine now' })
          .expect(403);
        expect(response.body.detail).toBe('Only the room owner can change the room');
      }
      expect(await lastSeq(room.id)).toBe(2);
    });

    it('lets site moderators act as owners in public rooms only', async () => {
      const open = await createRoom(owner, { name: 'open', kind: 'public' });
      await t.http
        .patch(`/api/v1/rooms/${open.id}`)
        .set(...bearer(moderator))
        .send({ topic: 'moderated' })
        .expect(200);
      const closed = await createRoom(owner, { name: 'closed', kind: 'private' });
      await addMember(closed.id, owner, moderator);
      await t.http
        .patch(`/api/v1/rooms/${closed.id}`)
        .set(...bearer(moderator))
        .send({ topic: 'moderated' })
        .expect(403);
    });

    it('lets only site admins change the general room', async () => {
      const before = await lastSeq(1);
      await t.http
        .patch('/api/v1/rooms/1')
        .set(...bearer(moderator))
        .send({ topic: 'x' })
        .expect(403);
      const response = await t.http
        .patch('/api/v1/rooms/1')
        .set(...bearer(admin))
        .send({ topic: 'Everyone' })
        .expect(200);
      expect(response.body).toMatchObject({ id: 1, topic: 'Everyone', last_seq: before + 1 });
    });

    it('refuses an empty or malformed change with 422, changing nothing', async () => {
      const room = await createRoom(owner);
      for (const body of [
        {},
        { name: null },
        { name: '' },
        { topic: 'x'.repeat(257) },
        { topic: 5 },
      ]) {
        const response = await t.http
          .patch(`/api/v1/rooms/${room.id}`)
          .set(...bearer(owner))
          .send(body)
          .expect(422);
        expect(response.body.detail).toEqual([
          { field: expect.stringMatching(/^(body|name|topic)$/), message: expect.any(String) },
        ]);
      }
      expect(await lastSeq(room.id)).toBe(1);
    });
  });

  describe('DELETE /api/v1/rooms/:id (archive)', () => {
    it('archives once: room.updated with archived true, then nothing more', async () => {
      const room = await createRoom(owner, { name: 'done', kind: 'private' });
      await addMember(room.id, owner, member);
      const archived = await t.http
        .delete(`/api/v1/rooms/${room.id}`)
        .set(...bearer(owner))
        .expect(200);
      expect(archived.body).toMatchObject({ archived: true, last_seq: 3 });
      const [, , change] = await changes(room.id);
      expect(change).toMatchObject({ type: 'room.updated', payload: { room: { archived: true } } });
      await t.http
        .delete(`/api/v1/rooms/${room.id}`)
        .set(...bearer(owner))
        .expect(200);
      expect(await lastSeq(room.id)).toBe(3);

      // Members still read it; nobody renames it or joins it.
      const read = await t.http
        .get(`/api/v1/rooms/${room.id}`)
        .set(...bearer(member))
        .expect(200);
      expect(read.body.archived).toBe(true);
      const renamed = await t.http
        .patch(`/api/v1/rooms/${room.id}`)
        .set(...bearer(owner))
        .send({ name: 'again' })
        .expect(409);
      expect(renamed.body.detail).toBe('The room is archived');
      const added = await t.http
        .post(`/api/v1/rooms/${room.id}/members`)
        .set(...bearer(owner))
        .send({ user_id: outsider.id })
        .expect(409);
      expect(added.body.detail).toBe('The room is archived');
      expect(await lastSeq(room.id)).toBe(3);
    });

    it('refuses non-owners with 403 and never archives the general room', async () => {
      const room = await createRoom(owner);
      await t.http
        .delete(`/api/v1/rooms/${room.id}`)
        .set(...bearer(outsider))
        .expect(403);
      const general = await t.http
        .delete('/api/v1/rooms/1')
        .set(...bearer(admin))
        .expect(409);
      expect(general.body.detail).toBe('The general room cannot be archived');
      const [{ archived_at }] = await t.db.query('SELECT archived_at FROM rooms WHERE id = 1');
      expect(archived_at).toBeNull();
    });

    it('drops an archived public room from the directory and refuses joins with 409', async () => {
      const room = await createRoom(owner, { name: 'zz archived lounge', kind: 'public' });
      await t.http
        .delete(`/api/v1/rooms/${room.id}`)
        .set(...bearer(moderator))
        .expect(200);
      const join = await t.http
        .post(`/api/v1/rooms/${room.id}/join`)
        .set(...bearer(outsider))
        .expect(409);
      expect(join.body.detail).toBe('The room is archived');
      const directory = await t.http
        .get('/api/v1/rooms/public?q=archived lounge')
        .set(...bearer(outsider))
        .expect(200);
      expect(directory.body.rooms).toEqual([]);
    });
  });

  describe('GET /api/v1/rooms/public', () => {
    it('pages through open public rooms by name, 50 at a time, with who joined', async () => {
      const lister = await createUser(t);
      const prefix = `dir-${Date.now()}`;
      const names = Array.from({ length: 53 }, (_, i) => `${prefix} ${String(i).padStart(2, '0')}`);
      for (const name of [...names].reverse()) await createRoom(owner, { name, kind: 'public' });
      await createRoom(owner, { name: `${prefix} private`, kind: 'private' });
      const first = await t.http
        .get(`/api/v1/rooms/public?q=${encodeURIComponent(prefix.toUpperCase())}`)
        .set(...bearer(lister))
        .expect(200);
      expect(first.body.rooms).toHaveLength(50);
      expect(first.body.rooms.map((r: { name: string }) => r.name)).toEqual(names.slice(0, 50));
      expect(first.body.rooms[0]).toMatchObject({ kind: 'public', member_count: 1, joined: false });
      expect(typeof first.body.next_cursor).toBe('string');

      await t.http
        .post(`/api/v1/rooms/${first.body.rooms[0].id}/join`)
        .set(...bearer(lister))
        .expect(201);
      const second = await t.http
        .get(
          `/api/v1/rooms/public?q=${encodeURIComponent(prefix)}&cursor=${first.body.next_cursor}`,
        )
        .set(...bearer(lister))
        .expect(200);
      expect(second.body.rooms.map((r: { name: string }) => r.name)).toEqual(names.slice(50));
      expect(second.body.next_cursor).toBeNull();
      const again = await t.http
        .get(`/api/v1/rooms/public?q=${encodeURIComponent(prefix)}`)
        .set(...bearer(lister))
        .expect(200);
      expect(again.body.rooms[0]).toMatchObject({ joined: true, member_count: 2 });
    });

    it('finds names containing the query in any case, wildcards taken literally', async () => {
      const room = await createRoom(owner, { name: 'The 100% Club_Room', kind: 'public' });
      await createRoom(owner, { name: 'The 1000 Club Room', kind: 'public' });
      for (const q of ['100%', 'club_', 'THE 100% CLUB']) {
        const response = await t.http
          .get(`/api/v1/rooms/public?q=${encodeURIComponent(q)}`)
          .set(...bearer(outsider))
          .expect(200);
        expect(response.body.rooms.map((r: { id: number }) => r.id)).toEqual([room.id]);
      }
    });

    it('lists the general room as joined', async () => {
      const response = await t.http
        .get('/api/v1/rooms/public?q=general')
        .set(...bearer(outsider))
        .expect(200);
      expect(response.body.rooms.find((r: { id: number }) => r.id === 1)).toMatchObject({
        joined: true,
      });
    });

    it('refuses a cursor it did not give, and an overlong query, with 422', async () => {
      for (const query of [
        'cursor=bogus!',
        `cursor=${'A'.repeat(2000)}`,
        `q=${'x'.repeat(65)}`,
        'q=%00',
        'q=a%0Ab',
        'q=a&q=b',
      ]) {
        await t.http
          .get(`/api/v1/rooms/public?${query}`)
          .set(...bearer(outsider))
          .expect(422);
      }
    });
  });

  it('documents every route in OpenAPI under the rooms tag', async () => {
    const document = (await t.http.get('/docs-json').expect(200)).body;
    const operations = [
      ['get', '/api/v1/rooms'],
      ['post', '/api/v1/rooms'],
      ['get', '/api/v1/rooms/public'],
      ['get', '/api/v1/rooms/{id}'],
      ['patch', '/api/v1/rooms/{id}'],
      ['delete', '/api/v1/rooms/{id}'],
      ['post', '/api/v1/rooms/{id}/join'],
      ['post', '/api/v1/rooms/{id}/leave'],
      ['get', '/api/v1/rooms/{id}/members'],
      ['post', '/api/v1/rooms/{id}/members'],
      ['delete', '/api/v1/rooms/{id}/members/{user_id}'],
      ['post', '/api/v1/dms'],
    ];
    for (const [method, path] of operations) {
      expect([path, method, document.paths[path]?.[method]?.tags]).toEqual([
        path,
        method,
        ['rooms'],
      ]);
    }
  });
});
