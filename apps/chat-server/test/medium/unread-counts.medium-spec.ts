import fc from 'fast-check';
import { AuthUser } from '@chat/auth';
import { NotFoundError } from '@chat/errors';
import { MessagesModule, RoomHistory, RoomMessagesService } from '@chat/messages';
import { UNREAD_LIMIT } from '@chat/protocol';
import { Role } from '@chat/roles';
import {
  DirectRoomsService,
  GENERAL_ROOM_ID,
  ReadMarkers,
  RoomMembershipsService,
  RoomsService,
} from '@chat/rooms';
import { UsersService } from '@chat/users';
import { createMediumModule, MediumModule, uniqueName } from './support/medium-module';

interface Counts {
  unread: number;
  mentions: number;
  last_read_seq: number;
}

/** The counts by their definition, from every message of the room. */
async function truth(m: MediumModule, roomId: number, reader: number): Promise<Counts> {
  const [{ marker }] = await m.db.query(
    `SELECT coalesce((SELECT last_read_seq FROM room_members WHERE room_id = $1 AND user_id = $2),
                     (SELECT last_read_seq FROM general_read_markers WHERE user_id = $2 AND $1 = 1)
            )::float8 AS marker`,
    [roomId, reader],
  );
  const rows: { seq: number; user_id: number; mentions: number[] }[] = await m.db.query(
    `SELECT seq::float8 AS seq, user_id, mentions FROM messages WHERE room_id = $1`,
    [roomId],
  );
  const unread = rows.filter((row) => row.seq > marker && row.user_id !== reader);
  return {
    unread: Math.min(unread.length, UNREAD_LIMIT),
    mentions: Math.min(unread.filter((row) => row.mentions.includes(reader)).length, UNREAD_LIMIT),
    last_read_seq: marker,
  };
}

describe('read markers, unread and mention counts on PostgreSQL', () => {
  let m: MediumModule;
  let markers: ReadMarkers;
  let roomMessages: RoomMessagesService;
  let rooms: RoomsService;
  let memberships: RoomMembershipsService;
  let alice: AuthUser;
  let bob: AuthUser;
  let carol: AuthUser;
  let names: Map<number, string>;

  async function user(role = Role.User): Promise<AuthUser> {
    const created = await m.get(UsersService).create(uniqueName(), 'correct horse', role);
    names.set(created.id, created.name);
    return { id: created.id, role, sessionId: 'not checked here' };
  }
  const send = async (caller: AuthUser, roomId: number, text: string) =>
    (await roomMessages.send(caller, roomId, text)).message;
  const countsOf = async (caller: AuthUser, roomId: number): Promise<Counts> => {
    const listed = (await rooms.mine(caller)).find((room) => room.id === roomId)!;
    return {
      unread: listed.unread,
      mentions: listed.mentions,
      last_read_seq: listed.last_read_seq,
    };
  };
  const privateRoom = async (owner: AuthUser, ...members: AuthUser[]) => {
    const roomId = (await rooms.create(owner, { name: 'counts', kind: 'private' })).id;
    for (const member of members) await memberships.add(owner, roomId, member.id);
    return roomId;
  };
  const lastSeq = async (roomId: number): Promise<number> => {
    const [{ last }] = await m.db.query(
      `SELECT last_seq::float8 AS last FROM rooms WHERE id = $1`,
      [roomId],
    );
    return last;
  };

  beforeAll(async () => {
    m = await createMediumModule([MessagesModule], {
      MESSAGE_RATE_LIMIT: '100000',
      ROOMS_CREATED_PER_HOUR: '1000',
    });
    markers = m.get(ReadMarkers);
    roomMessages = m.get(RoomMessagesService);
    rooms = m.get(RoomsService);
    memberships = m.get(RoomMembershipsService);
    names = new Map();
    [alice, bob, carol] = [await user(), await user(), await user()];
  });
  afterAll(() => m.close());

  it("a new member has read the room as it was: others' messages after count, their own never", async () => {
    const roomId = await privateRoom(alice);
    await send(alice, roomId, 'before bob');
    await memberships.add(alice, roomId, bob.id);
    // The marker is the room's number before bob's own join: nothing of it counts.
    expect(await countsOf(bob, roomId)).toEqual({
      unread: 0,
      mentions: 0,
      last_read_seq: (await lastSeq(roomId)) - 1,
    });
    for (const text of ['one', 'two', 'three']) await send(alice, roomId, text);
    await send(bob, roomId, 'mine');
    expect(await countsOf(bob, roomId)).toMatchObject({ unread: 3, mentions: 0 });
    expect(await countsOf(bob, roomId)).toEqual(await truth(m, roomId, bob.id));
    expect(await countsOf(alice, roomId)).toEqual(await truth(m, roomId, alice.id));
  });

  it('stops counting at UNREAD_LIMIT, for unread and mentions alike', async () => {
    const roomId = await privateRoom(alice, bob);
    await Promise.all(
      Array.from({ length: UNREAD_LIMIT + 20 }, (_, i) =>
        send(alice, roomId, `@${names.get(bob.id)} number ${i}`),
      ),
    );
    expect(await countsOf(bob, roomId)).toMatchObject({
      unread: UNREAD_LIMIT,
      mentions: UNREAD_LIMIT,
    });
    // 20 read, 100 left: still the limit; 21 read, 99 left.
    await markers.read(bob, roomId, (await lastSeq(roomId)) - UNREAD_LIMIT);
    expect(await countsOf(bob, roomId)).toMatchObject({ unread: 100, mentions: 100 });
    await markers.read(bob, roomId, (await lastSeq(roomId)) - UNREAD_LIMIT + 1);
    expect(await countsOf(bob, roomId)).toMatchObject({ unread: 99, mentions: 99 });
  });

  describe('mentions', () => {
    it('stores the users named, by name ignoring case, bracketed or not, each once, in id order', async () => {
      const roomId = await privateRoom(alice, bob, carol);
      const message = await send(
        alice,
        roomId,
        `@${names.get(carol.id)!.toUpperCase()}, @[${names.get(bob.id)}] and @${names.get(bob.id)}!`,
      );
      expect(message.mentions).toEqual([bob.id, carol.id].sort((a, b) => a - b));
      const [stored] = await m.db.query(`SELECT mentions FROM messages WHERE id = $1`, [
        message.message_id,
      ]);
      expect(stored.mentions).toEqual(message.mentions);
    });

    it('in a private room or a DM names members only; in a public room any live account', async () => {
      const outsider = await user();
      const deleted = await user();
      await m.get(UsersService).delete(deleted.id);
      const text = `@${names.get(bob.id)} @${names.get(outsider.id)} @${names.get(deleted.id)} @nobody-at-all`;
      const inPrivate = await privateRoom(alice, bob);
      expect((await send(alice, inPrivate, text)).mentions).toEqual([bob.id]);
      const direct = (await m.get(DirectRoomsService).open(alice, bob.id)).value.id;
      expect((await send(alice, direct, text)).mentions).toEqual([bob.id]);
      const inPublic = (await rooms.create(alice, { name: 'open', kind: 'public' })).id;
      expect((await send(alice, inPublic, text)).mentions).toEqual([bob.id, outsider.id]);
      expect((await send(alice, GENERAL_ROOM_ID, text)).mentions).toEqual([bob.id, outsider.id]);
    });

    it("count the reader's unread messages that mention them, not their own", async () => {
      const roomId = await privateRoom(alice, bob, carol);
      await send(alice, roomId, `hi @${names.get(bob.id)}`);
      await send(carol, roomId, `@${names.get(alice.id)} and @${names.get(bob.id)}`);
      await send(carol, roomId, 'no one');
      await send(bob, roomId, `me, @${names.get(bob.id)}`);
      expect(await countsOf(bob, roomId)).toMatchObject({ unread: 3, mentions: 2 });
      expect(await countsOf(alice, roomId)).toMatchObject({ unread: 3, mentions: 1 });
      for (const reader of [alice, bob, carol]) {
        expect(await countsOf(reader, roomId)).toEqual(await truth(m, roomId, reader.id));
      }
    });

    it('an edit resolves them again: the counts follow, and the event says who was named before', async () => {
      const roomId = await privateRoom(alice, bob, carol);
      const message = await send(alice, roomId, `@${names.get(bob.id)} look`);
      m.takeEvents();
      await roomMessages.edit(alice, message.message_id, `@${names.get(carol.id)} look`);
      expect(m.takeEvents()).toEqual([
        expect.objectContaining({
          type: 'message.updated',
          mentions: [carol.id],
          previousMentions: [bob.id],
          messageSeq: message.seq,
          authorId: alice.id,
        }),
      ]);
      expect(await countsOf(bob, roomId)).toMatchObject({ unread: 1, mentions: 0 });
      expect(await countsOf(carol, roomId)).toMatchObject({ unread: 1, mentions: 1 });
      const page = JSON.parse(await roomMessages.page(alice, roomId, { limit: 1 }));
      expect(page[0].mentions).toEqual([carol.id]);
    });
  });

  it("message_mentions holds each message's mentions but its author's, through sends, edits and deletes", async () => {
    const roomId = await privateRoom(alice, bob, carol);
    const [a, b, c] = [alice, bob, carol].map((u) => `@${names.get(u.id)}`);
    const first = await send(alice, roomId, `${a} ${b} ${c}`);
    const second = await send(bob, roomId, `${b} ${c}`);
    const third = await send(carol, roomId, 'no one');
    const held = async () =>
      m.db.query(
        `SELECT user_id, seq::float8 AS seq, message_id::float8 AS message_id FROM message_mentions
          WHERE room_id = $1 ORDER BY seq, user_id`,
        [roomId],
      );
    const derived = async () => {
      const rows: { id: number; seq: number; user_id: number; mentions: number[] }[] =
        await m.db.query(
          `SELECT id::float8 AS id, seq::float8 AS seq, user_id, mentions FROM messages
            WHERE room_id = $1 ORDER BY seq`,
          [roomId],
        );
      return rows.flatMap((row) =>
        row.mentions
          .filter((user) => user !== row.user_id)
          .sort((x, y) => x - y)
          .map((user) => ({ user_id: user, seq: row.seq, message_id: row.id })),
      );
    };
    expect(await held()).toHaveLength(3);
    expect(await held()).toEqual(await derived());
    await roomMessages.edit(alice, first.message_id, `${c} only`);
    await roomMessages.edit(carol, third.message_id, `${a} now`);
    expect(await held()).toHaveLength(3);
    expect(await held()).toEqual(await derived());
    await roomMessages.remove(bob, second.message_id);
    expect(await held()).toEqual(await derived());
    expect(await held()).toEqual([
      { user_id: carol.id, seq: first.seq, message_id: first.message_id },
      { user_id: alice.id, seq: third.seq, message_id: third.message_id },
    ]);
  });

  it('a replay of an edit or a deletion carries what the pushes need, as the live events did', async () => {
    const roomId = await privateRoom(alice, bob, carol);
    const message = await send(alice, roomId, `@${names.get(bob.id)} first`);
    m.takeEvents();
    await roomMessages.edit(alice, message.message_id, `@${names.get(carol.id)} second`);
    await roomMessages.remove(alice, message.message_id);
    const live = m.takeEvents();
    const replayed = [];
    for await (const page of m.get(RoomHistory).eventsBetween(roomId, message.seq, 100, 100)) {
      replayed.push(...page);
    }
    // What the deleted message said, and whom it named, is forgotten.
    const [edit, deletion] = live;
    expect(replayed).toEqual([{ ...edit, text: '', mentions: [], previousMentions: [] }, deletion]);
  });

  it('a deleted message no longer counts, as unread or as a mention', async () => {
    const roomId = await privateRoom(alice, bob);
    const kept = await send(alice, roomId, 'kept');
    const gone = await send(alice, roomId, `@${names.get(bob.id)} gone`);
    expect(await countsOf(bob, roomId)).toMatchObject({ unread: 2, mentions: 1 });
    m.takeEvents();
    await roomMessages.remove(alice, gone.message_id);
    expect(m.takeEvents()).toEqual([
      expect.objectContaining({
        type: 'message.deleted',
        messageSeq: gone.seq,
        authorId: alice.id,
      }),
    ]);
    expect(await countsOf(bob, roomId)).toMatchObject({ unread: 1, mentions: 0 });
    await roomMessages.remove(alice, kept.message_id);
    expect(await countsOf(bob, roomId)).toEqual(await truth(m, roomId, bob.id));
    expect((await countsOf(bob, roomId)).unread).toBe(0);
  });

  describe('the read marker', () => {
    it('moves only forwards and never past the room, whatever numbers it is sent', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.nat({ max: 40 }), { minLength: 1, maxLength: 8 }),
          async (seqs) => {
            const roomId = await privateRoom(alice, bob);
            for (let i = 0; i < 20; i++) await send(alice, roomId, `m${i}`);
            const last = await lastSeq(roomId);
            let expected = (await countsOf(bob, roomId)).last_read_seq;
            m.takeEvents();
            for (const seq of seqs) {
              const answer = await markers.read(bob, roomId, seq);
              const next = Math.max(expected, Math.min(seq, last));
              const events = m.takeEvents();
              if (next > expected) {
                expect(events).toEqual([
                  { type: 'read.moved', userId: bob.id, roomId, seq: next },
                  {
                    type: 'unread.changed',
                    userId: bob.id,
                    roomId,
                    unread: Math.min(20, last - next),
                    mentions: 0,
                    lastReadSeq: next,
                    lastSeq: last,
                  },
                ]);
              } else {
                expect(events).toEqual([]);
              }
              expected = next;
              expect(answer).toEqual({
                room_id: roomId,
                unread: Math.min(20, last - expected),
                mentions: 0,
                last_read_seq: expected,
              });
              expect(await countsOf(bob, roomId)).toEqual(await truth(m, roomId, bob.id));
            }
          },
        ),
        { numRuns: 15 },
      );
    });

    it('is the same for two readers racing: the highest wins', async () => {
      const roomId = await privateRoom(alice, bob);
      for (let i = 0; i < 30; i++) await send(alice, roomId, `m${i}`);
      const last = await lastSeq(roomId);
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => markers.read(bob, roomId, last - 29 + ((i * 7) % 30))),
      );
      expect(await countsOf(bob, roomId)).toEqual({ unread: 0, mentions: 0, last_read_seq: last });
    });

    it('is not found, and nothing changes, in a room the caller is not in: private, public or none', async () => {
      const secret = await privateRoom(alice);
      const open = (await rooms.create(alice, { name: 'open', kind: 'public' })).id;
      await send(alice, secret, 'x');
      m.takeEvents();
      for (const roomId of [secret, open, 999_999, 2 ** 31]) {
        await expect(markers.read(carol, roomId, 1)).rejects.toThrow(NotFoundError);
      }
      expect(m.takeEvents()).toEqual([]);
      const [{ count }] = await m.db.query(
        `SELECT count(*)::int AS count FROM room_members WHERE user_id = $1 AND room_id IN ($2, $3)`,
        [carol.id, secret, open],
      );
      expect(count).toBe(0);
    });

    it('in the general room: a new account has read it as it was; its marker moves like any other', async () => {
      await send(alice, GENERAL_ROOM_ID, 'before dave');
      const dave = await user();
      const before = await lastSeq(GENERAL_ROOM_ID);
      expect(await countsOf(dave, GENERAL_ROOM_ID)).toEqual({
        unread: 0,
        mentions: 0,
        last_read_seq: before,
      });
      await send(alice, GENERAL_ROOM_ID, `@${names.get(dave.id)} welcome`);
      await send(bob, GENERAL_ROOM_ID, 'hello');
      expect(await countsOf(dave, GENERAL_ROOM_ID)).toMatchObject({ unread: 2, mentions: 1 });
      expect(await markers.read(dave, GENERAL_ROOM_ID, before + 1)).toEqual({
        room_id: GENERAL_ROOM_ID,
        unread: 1,
        mentions: 0,
        last_read_seq: before + 1,
      });
      await markers.read(dave, GENERAL_ROOM_ID, before);
      expect(await countsOf(dave, GENERAL_ROOM_ID)).toEqual(
        await truth(m, GENERAL_ROOM_ID, dave.id),
      );
    });

    it('a read that does not move it writes nothing: the marker row is not even locked', async () => {
      const roomId = await privateRoom(alice, bob);
      await send(alice, roomId, 'one');
      await send(alice, GENERAL_ROOM_ID, 'one');
      /** The row's xmax: 0 unless a transaction updated, deleted or locked this version. */
      const xmax = async (room: number) => {
        const [row] = await m.db.query(
          room === GENERAL_ROOM_ID
            ? `SELECT xmax::text AS xmax FROM general_read_markers WHERE user_id = $1`
            : `SELECT xmax::text AS xmax FROM room_members WHERE user_id = $1 AND room_id = $2`,
          room === GENERAL_ROOM_ID ? [bob.id] : [bob.id, room],
        );
        return row.xmax;
      };
      for (const room of [GENERAL_ROOM_ID, roomId]) {
        await markers.read(bob, room, await lastSeq(room));
        expect(await xmax(room)).toBe('0');
        await markers.read(bob, room, 0);
        await markers.read(bob, room, await lastSeq(room));
        expect(await xmax(room)).toBe('0');
      }
    });

    it('in the general room, a missing marker is made by the first read', async () => {
      const erin = await user();
      await m.db.query(`DELETE FROM general_read_markers WHERE user_id = $1`, [erin.id]);
      const at = await lastSeq(GENERAL_ROOM_ID);
      expect(await markers.read(erin, GENERAL_ROOM_ID, at)).toMatchObject({ last_read_seq: at });
      expect(await countsOf(erin, GENERAL_ROOM_ID)).toEqual(
        await truth(m, GENERAL_ROOM_ID, erin.id),
      );
    });

    it('leaving forgets it; joining again starts at the room as it is then', async () => {
      const roomId = (await rooms.create(alice, { name: 'again', kind: 'public' })).id;
      await memberships.join(bob, roomId);
      await send(alice, roomId, 'while bob is in');
      await memberships.leave(bob, roomId);
      await send(alice, roomId, 'while bob is out');
      await memberships.join(bob, roomId);
      expect(await countsOf(bob, roomId)).toEqual({
        unread: 0,
        mentions: 0,
        last_read_seq: (await lastSeq(roomId)) - 1,
      });
    });
  });

  it('countsForUnread: only members whose marker is before the message and who did not write it', async () => {
    const roomId = await privateRoom(alice, bob, carol);
    const message = await send(alice, roomId, 'hello');
    await markers.read(carol, roomId, message.seq);
    const outsider = await user();
    const counts = await markers.countsForUnread(
      roomId,
      [alice.id, bob.id, carol.id, outsider.id],
      {
        seq: message.seq,
        authorId: alice.id,
      },
    );
    expect(counts).toEqual([
      {
        user_id: bob.id,
        unread: 1,
        mentions: 0,
        last_read_seq: (await truth(m, roomId, bob.id)).last_read_seq,
        last_seq: await lastSeq(roomId),
      },
    ]);
    // Changes of several authors merged: the author's own counts are asked too.
    const anyAuthor = await markers.countsForUnread(roomId, [alice.id, bob.id, carol.id], {
      seq: message.seq,
      authorId: null,
    });
    expect(anyAuthor.map((row) => row.user_id)).toEqual([alice.id, bob.id]);
  });
});
