import { bearer, createUser, createUserWithRole, loginAdmin, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

type Method = 'get' | 'post' | 'patch' | 'delete';

describe('direct rooms, and private rooms and DMs invisible to outsiders', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let eve: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    [alice, bob, eve] = [await createUser(t), await createUser(t), await createUser(t)];
    admin = await loginAdmin(t);
  });
  afterAll(() => t.close());

  const lastSeq = async (roomId: number): Promise<number> =>
    (await t.db.query('SELECT last_seq::float8 AS n FROM rooms WHERE id = $1', [roomId]))[0].n;
  const openDm = (by: TestUser, userId: unknown) =>
    t.http
      .post('/api/v1/dms')
      .set(...bearer(by))
      .send({ user_id: userId });

  describe('POST /api/v1/dms', () => {
    it('makes the DM of a pair once, both members, with the other user as its peer', async () => {
      const made = await openDm(alice, bob.id).expect(201);
      expect(made.body).toMatchObject({
        kind: 'direct',
        name: null,
        member_count: 2,
        last_seq: 2,
        room_role: 'member',
        peer: { user_id: bob.id, name: bob.name, role: 1, user_avatar: expect.any(String) },
      });
      const changes = await t.db.query(
        `SELECT seq::float8 AS seq, type, payload->'member'->>'user_id' AS user_id
           FROM room_changes WHERE room_id = $1 ORDER BY seq`,
        [made.body.id],
      );
      expect(changes).toEqual([
        { seq: 1, type: 'member.joined', user_id: String(alice.id) },
        { seq: 2, type: 'member.joined', user_id: String(bob.id) },
      ]);

      const fromBob = await openDm(bob, alice.id).expect(200);
      expect(fromBob.body).toMatchObject({ id: made.body.id, peer: { user_id: alice.id } });
      await openDm(alice, bob.id).expect(200);
      expect(await lastSeq(made.body.id)).toBe(2);
      const [{ dm_key }] = await t.db.query('SELECT dm_key FROM rooms WHERE id = $1', [
        made.body.id,
      ]);
      expect(dm_key).toBe(`${Math.min(alice.id, bob.id)}:${Math.max(alice.id, bob.id)}`);
    });

    it('lists the DM for both, with its peer', async () => {
      for (const [user, other] of [
        [alice, bob],
        [bob, alice],
      ]) {
        const rooms = await t.http
          .get('/api/v1/rooms')
          .set(...bearer(user))
          .expect(200);
        const dm = rooms.body.find((room: { kind: string }) => room.kind === 'direct');
        expect(dm.peer.user_id).toBe(other.id);
      }
    });

    it('refuses a DM with yourself (400) and with nobody (404), making nothing', async () => {
      const before = (await t.db.query('SELECT count(*)::int AS n FROM rooms'))[0].n;
      const self = await openDm(alice, alice.id).expect(400);
      expect(self.body.detail).toBe('You cannot start a direct conversation with yourself');
      const gone = await createUser(t);
      await t.http
        .delete('/user/delete')
        .set(...bearer(gone))
        .expect(201);
      for (const userId of [gone.id, 2_147_483_647]) {
        const response = await openDm(alice, userId).expect(404);
        expect(response.body.detail).toBe('User not found');
      }
      for (const userId of [0, -3, 'x', 2 ** 31, undefined]) {
        await openDm(alice, userId).expect(422);
      }
      expect((await t.db.query('SELECT count(*)::int AS n FROM rooms'))[0].n).toBe(before);
    });

    it('cannot be left, added to, removed from, renamed or archived by its members', async () => {
      const dm = (await openDm(alice, bob.id).expect(200)).body.id;
      const leave = await t.http
        .post(`/api/v1/rooms/${dm}/leave`)
        .set(...bearer(alice))
        .expect(409);
      expect(leave.body.detail).toBe('A direct conversation cannot be left');
      const add = await t.http
        .post(`/api/v1/rooms/${dm}/members`)
        .set(...bearer(alice))
        .send({ user_id: eve.id })
        .expect(409);
      expect(add.body.detail).toBe('A direct conversation has exactly two members');
      await t.http
        .delete(`/api/v1/rooms/${dm}/members/${bob.id}`)
        .set(...bearer(alice))
        .expect(403);
      await t.http
        .patch(`/api/v1/rooms/${dm}`)
        .set(...bearer(alice))
        .send({ topic: 'x' })
        .expect(403);
      await t.http
        .delete(`/api/v1/rooms/${dm}`)
        .set(...bearer(alice))
        .expect(403);
      expect(await lastSeq(dm)).toBe(2);
    });
  });

  describe('the 404 rule', () => {
    let privateRoom: number;
    let dm: number;

    beforeAll(async () => {
      privateRoom = (
        await t.http
          .post('/api/v1/rooms')
          .set(...bearer(alice))
          .send({ name: 'hideout', kind: 'private' })
          .expect(201)
      ).body.id;
      await t.http
        .post(`/api/v1/rooms/${privateRoom}/members`)
        .set(...bearer(alice))
        .send({ user_id: bob.id })
        .expect(201);
      dm = (await openDm(alice, bob.id)).body.id;
    });

    const routes = (id: number): [Method, string, object?][] => [
      ['get', `/api/v1/rooms/${id}`],
      ['patch', `/api/v1/rooms/${id}`, { name: 'mine' }],
      ['delete', `/api/v1/rooms/${id}`],
      ['post', `/api/v1/rooms/${id}/join`],
      ['post', `/api/v1/rooms/${id}/leave`],
      ['get', `/api/v1/rooms/${id}/members`],
      ['post', `/api/v1/rooms/${id}/members`, { user_id: 1 }],
      ['delete', `/api/v1/rooms/${id}/members/${alice.id}`],
      ['delete', `/api/v1/rooms/${id}/members/${eve.id}`],
    ];

    it('answers a non-member 404 "Room not found" on every route, like a room that does not exist, and changes nothing', async () => {
      const moderator = await createUserWithRole(t, admin, 2);
      const before = [await lastSeq(privateRoom), await lastSeq(dm)];
      for (const outsider of [eve, moderator, admin]) {
        for (const id of [privateRoom, dm, 999_999]) {
          for (const [method, path, body] of routes(id)) {
            const response = await t.http[method](path)
              .set(...bearer(outsider))
              .send(body ?? {});
            expect([method, path, response.status, response.body]).toEqual([
              method,
              path,
              404,
              { detail: 'Room not found' },
            ]);
          }
        }
      }
      expect([await lastSeq(privateRoom), await lastSeq(dm)]).toEqual(before);
    });

    it('never lists them for a non-member', async () => {
      const mine = await t.http
        .get('/api/v1/rooms')
        .set(...bearer(eve))
        .expect(200);
      expect(mine.body.map((room: { id: number }) => room.id)).toEqual([1]);
      const directory = await t.http
        .get('/api/v1/rooms/public?q=')
        .set(...bearer(eve))
        .expect(200);
      const listed = directory.body.rooms.map((room: { id: number }) => room.id);
      expect(listed).not.toContain(privateRoom);
      expect(listed).not.toContain(dm);
      const hidden = await t.http
        .get('/api/v1/rooms/public?q=hideout')
        .set(...bearer(alice))
        .expect(200);
      expect(hidden.body.rooms).toEqual([]);
    });

    it('shows them to their members', async () => {
      for (const id of [privateRoom, dm]) {
        await t.http
          .get(`/api/v1/rooms/${id}`)
          .set(...bearer(bob))
          .expect(200);
        await t.http
          .get(`/api/v1/rooms/${id}/members`)
          .set(...bearer(bob))
          .expect(200);
      }
    });
  });
});
