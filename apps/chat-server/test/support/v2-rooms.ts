import { bearer, TestUser } from './factories';
import { TestApp } from './test-app';

/** Room set-up over the rooms HTTP API, for the v2 tests. */
export function roomsApi(t: TestApp) {
  const api = {
    async create(owner: TestUser, kind: 'public' | 'private' = 'public', name = `${kind} room`) {
      const response = await t.http
        .post('/api/v1/rooms')
        .set(...bearer(owner))
        .send({ name, kind })
        .expect(201);
      return response.body.id as number;
    },
    async add(roomId: number, by: TestUser, user: TestUser) {
      await t.http
        .post(`/api/v1/rooms/${roomId}/members`)
        .set(...bearer(by))
        .send({ user_id: user.id })
        .expect(201);
    },
    async join(roomId: number, user: TestUser) {
      await t.http
        .post(`/api/v1/rooms/${roomId}/join`)
        .set(...bearer(user))
        .expect(201);
    },
    async leave(roomId: number, user: TestUser) {
      await t.http
        .post(`/api/v1/rooms/${roomId}/leave`)
        .set(...bearer(user))
        .expect((response) => {
          if (response.status >= 300) throw new Error(`leave: ${response.status}`);
        });
    },
    async remove(roomId: number, by: TestUser, user: TestUser) {
      await t.http
        .delete(`/api/v1/rooms/${roomId}/members/${user.id}`)
        .set(...bearer(by))
        .expect((response) => {
          if (response.status >= 300) throw new Error(`remove: ${response.status}`);
        });
    },
    async rename(roomId: number, by: TestUser, name: string) {
      await t.http
        .patch(`/api/v1/rooms/${roomId}`)
        .set(...bearer(by))
        .send({ name })
        .expect(200);
    },
    async archive(roomId: number, by: TestUser) {
      await t.http
        .delete(`/api/v1/rooms/${roomId}`)
        .set(...bearer(by))
        .expect((response) => {
          if (response.status >= 300) throw new Error(`archive: ${response.status}`);
        });
    },
    /** A private room of `owner` with `members` added. */
    async privateWith(owner: TestUser, ...members: TestUser[]) {
      const roomId = await api.create(owner, 'private');
      for (const member of members) await api.add(roomId, owner, member);
      return roomId;
    },
    async lastSeq(roomId: number): Promise<number> {
      const [row] = await t.db.query('SELECT last_seq::float8 AS n FROM rooms WHERE id = $1', [
        roomId,
      ]);
      return row.n;
    },
    async countMessages(roomId?: number): Promise<number> {
      const [row] = await t.db.query(
        'SELECT count(*)::int AS n FROM messages WHERE $1::integer IS NULL OR room_id = $1',
        [roomId ?? null],
      );
      return row.n;
    },
  };
  return api;
}
