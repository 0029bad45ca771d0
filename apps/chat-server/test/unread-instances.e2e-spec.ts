import { randomBytes } from 'node:crypto';
import { UNREAD_LIMIT } from '@chat/protocol';
import { bearer, createUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { ExactCounts, UnreadModel } from './support/unread-model';
import { Frame, settle, V2Client } from './support/v2-client';
import { roomsApi } from './support/v2-rooms';

/** A small deterministic generator, so a failing run can be replayed. */
function random(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return {
    below: (n: number) => Math.floor(next() * n),
    pick: <T>(items: T[]): T => items[Math.floor(next() * items.length)],
  };
}

/**
 * Unread and mention counts on two instances over Redis: sends, edits, deletes and marker moves
 * made on either instance, over HTTP and the socket, a few at a time. Each socket's counts, kept
 * as a client keeps them (UnreadModel: the room list, then `unread` frames and message.new), and
 * GET /api/v1/rooms on both instances must equal the counts by definition, from the database.
 */
describe('unread counts on two instances', () => {
  let east: TestApp;
  let west: TestApp;
  let users: TestUser[];
  const open: V2Client[] = [];

  beforeAll(async () => {
    const variables = {
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `chat-test-${randomBytes(4).toString('hex')}:`,
      ROOMS_CREATED_PER_HOUR: '1000',
      MESSAGE_RATE_LIMIT: '100000',
      MESSAGE_RATE_BURST: '100000',
    };
    east = await startTestApp(variables);
    west = await startTestApp(variables, east);
    users = [await createUser(east), await createUser(east), await createUser(west)];
  });
  afterAll(async () => {
    for (const client of open.splice(0)) client.close();
    await west.close();
    await east.close();
  });

  /** The counts by their definition (docs/read-markers.md), from every message of the room. */
  async function truth(roomId: number, userId: number) {
    const [{ marker }] = await east.db.query(
      `SELECT last_read_seq::float8 AS marker FROM room_members WHERE room_id = $1 AND user_id = $2`,
      [roomId, userId],
    );
    const unread: { mentions: number[] }[] = await east.db.query(
      `SELECT mentions FROM messages WHERE room_id = $1 AND seq > $2 AND user_id <> $3`,
      [roomId, marker, userId],
    );
    return {
      unread: Math.min(unread.length, UNREAD_LIMIT),
      mentions: Math.min(unread.filter((m) => m.mentions.includes(userId)).length, UNREAD_LIMIT),
      last_read_seq: marker,
    };
  }

  async function listed(t: TestApp, user: TestUser): Promise<Frame[]> {
    const response = await t.http
      .get('/api/v1/rooms')
      .set(...bearer(user))
      .expect(200);
    return response.body;
  }

  it('stay exact through sends, edits, deletes and marker moves made on either instance', async () => {
    const [alice, bob, carol] = users;
    const roomsEast = roomsApi(east);
    const privateRoom = await roomsEast.privateWith(alice, bob, carol);
    const publicRoom = await roomsApi(west).create(bob, 'public');
    await roomsEast.join(publicRoom, alice);
    await roomsEast.join(publicRoom, carol);
    const roomIds = [privateRoom, publicRoom];

    // Bob has a device on each instance; the others one each.
    const devices: { user: TestUser; t: TestApp; socket: V2Client; model: UnreadModel }[] = [];
    for (const [user, t] of [
      [alice, east],
      [bob, east],
      [bob, west],
      [carol, west],
    ] as const) {
      const socket = await V2Client.connect(t.baseUrl, user);
      open.push(socket);
      const model = new UnreadModel(user.id);
      for (const room of await listed(t, user)) {
        if (roomIds.includes(room.id)) model.start(room.id, room as ExactCounts);
      }
      devices.push({ user, t, socket, model });
    }
    const seen = new Map(devices.map((device) => [device, 0]));
    const follow = () => {
      for (const device of devices) {
        const frames = device.socket.frames;
        for (let i = seen.get(device)!; i < frames.length; i++) device.model.see(frames[i]);
        seen.set(device, frames.length);
      }
    };

    const rng = random(19);
    const messages: { id: number; roomId: number; authorId: number }[] = [];
    const instances = [east, west];
    const mentionsText = () =>
      Array.from({ length: rng.below(3) }, () => `@${rng.pick(users).name}`).join(' ');

    const operation = async (n: number): Promise<void> => {
      const device = rng.pick(devices);
      const { user, socket } = device;
      const roomId = rng.pick(roomIds);
      const kind = rng.below(100);
      if (kind < 40) {
        const ack = await socket.ok({
          type: 'message.send',
          room_id: roomId,
          text: `${n} ${mentionsText()}`,
        });
        messages.push({ id: ack.message.message_id, roomId, authorId: user.id });
      } else if (kind < 50) {
        const response = await rng
          .pick(instances)
          .http.post(`/api/v1/rooms/${roomId}/messages`)
          .set(...bearer(user))
          .send({ text: `${n} over HTTP ${mentionsText()}` })
          .expect(201);
        messages.push({ id: response.body.message_id, roomId, authorId: user.id });
      } else if (kind < 65) {
        const own = messages.filter((m) => m.authorId === user.id);
        if (own.length === 0) return;
        const message = rng.pick(own);
        await socket.ok({
          type: 'message.edit',
          message_id: message.id,
          text: `${n} ${mentionsText()}`,
        });
      } else if (kind < 75) {
        const own = messages.filter((m) => m.authorId === user.id);
        if (own.length === 0) return;
        const message = rng.pick(own);
        messages.splice(messages.indexOf(message), 1);
        await rng
          .pick(instances)
          .http.delete(`/api/v1/messages/${message.id}`)
          .set(...bearer(user))
          .expect(200);
      } else {
        const [{ last }] = await east.db.query(
          `SELECT last_seq::float8 AS last FROM rooms WHERE id = $1`,
          [roomId],
        );
        const seq = Math.max(0, last - rng.below(8));
        if (rng.below(2) === 0) {
          await socket.ok({ type: 'read', room_id: roomId, seq });
        } else {
          await rng
            .pick(instances)
            .http.post(`/api/v1/rooms/${roomId}/read`)
            .set(...bearer(user))
            .send({ seq })
            .expect(200);
        }
      }
    };

    /** Every device's counts, and the room list on both instances, equal the truth. */
    const expectExact = async () => {
      const expected = new Map<string, unknown>();
      for (const user of users) {
        for (const roomId of roomIds)
          expected.set(`${user.id}/${roomId}`, await truth(roomId, user.id));
      }
      const modelled = () =>
        devices.flatMap(({ user, model }) =>
          roomIds.map((roomId) => [`${user.id}/${roomId}`, model.counts(roomId)] as const),
        );
      // The last pushes may still be on their way: wait for them, within a bound.
      for (let attempt = 0; attempt < 50; attempt++) {
        follow();
        if (modelled().every(([key, counts]) => equal(counts, expected.get(key)))) break;
        await settle(100);
      }
      follow();
      for (const [key, counts] of modelled())
        expect([key, counts]).toEqual([key, expected.get(key)]);
      for (const t of instances) {
        for (const user of users) {
          for (const room of await listed(t, user)) {
            if (!roomIds.includes(room.id)) continue;
            const { unread, mentions, last_read_seq } = room;
            expect([user.id, room.id, { unread, mentions, last_read_seq }]).toEqual([
              user.id,
              room.id,
              expected.get(`${user.id}/${room.id}`),
            ]);
          }
        }
      }
    };

    for (let n = 0; n < 150; n += 3) {
      // A few at once, from different devices and instances.
      await Promise.all([operation(n), operation(n + 1), operation(n + 2)]);
      if (n % 30 === 27) await expectExact();
    }
    await expectExact();
    // Something was counted, mentioned and pushed along the way.
    const frames = devices.flatMap(({ socket }) => socket.frames);
    expect(frames.filter((f) => f.type === 'unread').length).toBeGreaterThan(10);
    expect(frames.some((f) => f.type === 'message.new' && f.message.mentions.length > 0)).toBe(
      true,
    );
  });
});

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
