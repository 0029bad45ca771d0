import { ChatClient, Frame as V1Frame } from './support/chat-client';
import { createUser, createUserWithRole, loginAdmin, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { Frame, settle, V2Client } from './support/v2-client';
import { roomsApi } from './support/v2-rooms';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('the chat.v2 socket: messages, edits, deletes and who sees them', () => {
  let t: TestApp;
  let rooms: ReturnType<typeof roomsApi>;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let moderator: TestUser;
  const open: { close(): void }[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      ROOMS_CREATED_PER_HOUR: '1000',
      MESSAGE_RATE_LIMIT: '1000',
      MESSAGE_RATE_BURST: '1000',
      WS_MAX_CONNECTIONS_PER_ADDRESS: '1000',
    });
    rooms = roomsApi(t);
    [alice, bob, carol] = [await createUser(t), await createUser(t), await createUser(t)];
    moderator = await createUserWithRole(t, await loginAdmin(t), 2);
  });
  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });
  afterAll(() => t.close());

  const connect = async (user: TestUser) => {
    const client = await V2Client.connect(t.baseUrl, user);
    open.push(client);
    return client;
  };
  const connectCompat = async (user?: TestUser) => {
    const client = await ChatClient.connect(t.baseUrl, user?.token);
    open.push(client);
    return client;
  };
  const isNewIn = (roomId: number, text?: string) => (frame: Frame) =>
    frame.type === 'message.new' &&
    frame.room_id === roomId &&
    (text === undefined || frame.message.message === text);

  describe('message.send', () => {
    it('acks with the stored message, and every member gets it as message.new', async () => {
      const roomId = await rooms.privateWith(alice, bob);
      const a = await connect(alice);
      const b = await connect(bob);
      const seqBefore = await rooms.lastSeq(roomId);
      const ack = await a.ok({
        type: 'message.send',
        req: 's1',
        room_id: roomId,
        text: '  hello private  ',
        client_id: 'c-1',
      });
      const message = {
        message_id: expect.any(Number),
        user_id: alice.id,
        name: alice.name,
        role: 1,
        user_avatar: expect.stringMatching(/^\/static\//),
        message: 'hello private',
        time_send: expect.stringMatching(/^\d\d:\d\d:\d\d$/),
        created_at: expect.stringMatching(ISO),
        edited: false,
        room_id: roomId,
        seq: seqBefore + 1,
        edited_at: null,
        mentions: [],
      };
      expect(ack).toEqual({ type: 'ack', req: 's1', message });
      const expected = {
        type: 'message.new',
        room_id: roomId,
        seq: seqBefore + 1,
        message: ack.message,
        client_id: 'c-1',
      };
      expect(await a.next(isNewIn(roomId))).toEqual(expected);
      expect(await b.next(isNewIn(roomId))).toEqual(expected);
      const [row] = await t.db.query(
        'SELECT room_id, seq::float8 AS seq, text, user_id FROM messages WHERE id = $1',
        [ack.message.message_id],
      );
      expect(row).toEqual({
        room_id: roomId,
        seq: seqBefore + 1,
        text: 'hello private',
        user_id: alice.id,
      });
      expect(await rooms.lastSeq(roomId)).toBe(seqBefore + 1);
    });

    it('leaves client_id out of message.new when the sender gave none', async () => {
      const a = await connect(alice);
      await a.ok({ type: 'message.send', room_id: 1, text: 'no key' });
      expect(await a.next(isNewIn(1, 'no key'))).not.toHaveProperty('client_id');
    });

    it('answers a repeated client_id with the first message, stores it once and announces it once', async () => {
      const roomId = await rooms.privateWith(alice, bob);
      const a = await connect(alice);
      const b = await connect(bob);
      const first = await a.ok({
        type: 'message.send',
        room_id: roomId,
        text: 'once',
        client_id: 'k',
      });
      const again = await a.ok({
        type: 'message.send',
        room_id: roomId,
        text: 'twice?',
        client_id: 'k',
      });
      expect(again.message).toEqual(first.message);
      expect(await rooms.countMessages(roomId)).toBe(1);
      expect(await rooms.lastSeq(roomId)).toBe(first.message.seq);
      // The same key in another room, or of another author, is another message.
      const elsewhere = await a.ok({
        type: 'message.send',
        room_id: 1,
        text: 'gen',
        client_id: 'k',
      });
      expect(elsewhere.message.message_id).not.toBe(first.message.message_id);
      const byBob = await b.ok({
        type: 'message.send',
        room_id: roomId,
        text: 'bob',
        client_id: 'k',
      });
      expect(byBob.message.message_id).not.toBe(first.message.message_id);
      await b.next(isNewIn(roomId, 'bob'));
      await settle();
      expect(b.frames.filter(isNewIn(roomId, 'once'))).toHaveLength(1);
      expect(b.frames.filter(isNewIn(roomId, 'twice?'))).toHaveLength(0);
    });

    it('answers a repeat after an edit with the message as it is now', async () => {
      const a = await connect(alice);
      const first = await a.ok({
        type: 'message.send',
        room_id: 1,
        text: 'v1',
        client_id: 'edit-k',
      });
      await a.ok({ type: 'message.edit', message_id: first.message.message_id, text: 'v2' });
      const again = await a.ok({
        type: 'message.send',
        room_id: 1,
        text: 'v1',
        client_id: 'edit-k',
      });
      expect(again.message).toMatchObject({
        message_id: first.message.message_id,
        message: 'v2',
        edited: true,
        edited_at: expect.stringMatching(ISO),
      });
    });
  });

  describe('fan-out by membership', () => {
    it("reaches the members' v2 sockets and no one else's", async () => {
      const privateRoom = await rooms.privateWith(alice, bob);
      const publicRoom = await rooms.create(alice, 'public');
      await rooms.join(publicRoom, bob);
      const a = await connect(alice);
      const b = await connect(bob);
      const c = await connect(carol);
      await a.ok({ type: 'message.send', room_id: privateRoom, text: 'p' });
      await a.ok({ type: 'message.send', room_id: publicRoom, text: 'q' });
      await b.next(isNewIn(privateRoom, 'p'));
      await b.next(isNewIn(publicRoom, 'q'));
      await a.ok({ type: 'message.send', room_id: 1, text: 'to general' });
      await c.next(isNewIn(1, 'to general'));
      await settle();
      expect(c.frames.filter((frame) => frame.room_id === privateRoom)).toEqual([]);
      expect(c.frames.filter((frame) => frame.room_id === publicRoom)).toEqual([]);
    });

    it('shows a compat socket the general room only, in the v1 shape, byte for byte', async () => {
      const privateRoom = await rooms.privateWith(alice, bob);
      const publicRoom = await rooms.create(alice, 'public');
      const member = await connectCompat(alice);
      const anonymous = await connectCompat();
      const raw: string[] = [];
      member.socket.on('message', (data) => raw.push(data.toString()));
      const a = await connect(alice);

      const inPrivate = await a.ok({ type: 'message.send', room_id: privateRoom, text: 'private' });
      const inPublic = await a.ok({ type: 'message.send', room_id: publicRoom, text: 'public' });
      await a.ok({ type: 'message.edit', message_id: inPrivate.message.message_id, text: 'p2' });
      await a.ok({ type: 'message.delete', message_id: inPublic.message.message_id });
      const general = await a.ok({
        type: 'message.send',
        room_id: 1,
        text: 'general',
        client_id: 'g-1',
      });
      await a.ok({
        type: 'message.edit',
        message_id: general.message.message_id,
        text: 'general 2',
      });
      await a.ok({ type: 'message.delete', message_id: general.message.message_id });
      await member.next((frame) => frame.event === 'delete');
      await anonymous.next((frame) => frame.event === 'delete');
      await settle();

      const v1 = { ...general.message };
      for (const key of ['room_id', 'seq', 'edited_at', 'mentions']) delete v1[key];
      const id = general.message.message_id;
      const expected: V1Frame[] = [
        { ...v1, client_id: 'g-1' },
        { event: 'update', message_id: id, new_message: 'general 2' },
        { event: 'delete', message_id: id },
      ];
      expect(member.frames).toEqual(expected);
      expect(anonymous.frames).toEqual(expected);
      expect(raw).toEqual([
        JSON.stringify({
          message_id: id,
          user_id: alice.id,
          name: alice.name,
          role: 1,
          user_avatar: general.message.user_avatar,
          message: 'general',
          time_send: general.message.time_send,
          created_at: general.message.created_at,
          edited: false,
          client_id: 'g-1',
        }),
        JSON.stringify({ event: 'update', message_id: id, new_message: 'general 2' }),
        JSON.stringify({ event: 'delete', message_id: id }),
      ]);
    });

    it('shows a compat socket no membership or room change', async () => {
      const compat = await connectCompat(bob);
      const roomId = await rooms.create(alice, 'public');
      await rooms.join(roomId, bob);
      await rooms.rename(roomId, alice, 'renamed');
      await rooms.leave(roomId, bob);
      await rooms.archive(roomId, alice);
      const a = await connect(alice);
      await a.ok({ type: 'message.send', room_id: 1, text: 'marker' });
      await compat.messages(1);
      await settle();
      expect(compat.frames).toEqual([expect.objectContaining({ message: 'marker' })]);
    });

    it("replays to a resuming compat socket the general room's messages only", async () => {
      const privateRoom = await rooms.privateWith(alice, bob);
      const a = await connect(alice);
      const before = await a.ok({ type: 'message.send', room_id: 1, text: 'before' });
      await a.ok({ type: 'message.send', room_id: privateRoom, text: 'private 1' });
      const missed = await a.ok({ type: 'message.send', room_id: 1, text: 'missed' });
      await a.ok({ type: 'message.send', room_id: privateRoom, text: 'private 2' });
      const compat = await connectCompat(bob);
      compat.send({ action: 'resume', after_id: before.message.message_id });
      const done = await compat.next((frame) => frame.event === 'resume');
      expect(done).toEqual({
        event: 'resume',
        recovered: true,
        latest_id: missed.message.message_id,
      });
      expect(compat.frames).toEqual([
        expect.objectContaining({ message_id: missed.message.message_id, message: 'missed' }),
        done,
      ]);
    });

    it('a DM reaches its two users only', async () => {
      const dm = await t.http
        .post('/api/v1/dms')
        .set('Authorization', `Bearer ${alice.token}`)
        .send({ user_id: bob.id });
      expect([200, 201]).toContain(dm.status);
      const roomId = dm.body.id as number;
      const a = await connect(alice);
      const b = await connect(bob);
      const c = await connect(carol);
      const compat = await connectCompat(carol);
      await a.ok({ type: 'message.send', room_id: roomId, text: 'just us' });
      expect(await b.next(isNewIn(roomId, 'just us'))).toMatchObject({
        message: { user_id: alice.id },
      });
      expect(
        await c.request({ type: 'message.send', room_id: roomId, text: 'me too' }),
      ).toMatchObject({
        type: 'error',
        code: 'not_found',
      });
      await a.ok({ type: 'message.send', room_id: 1, text: 'marker' });
      await c.next(isNewIn(1, 'marker'));
      await compat.messages(1);
      await settle();
      expect(
        c.frames.filter((frame) => frame.room_id === roomId && frame.type !== 'error'),
      ).toEqual([]);
      expect(compat.frames.map((frame) => frame.message)).toEqual(['marker']);
    });

    it('lets a compat socket write to the general room, which v2 members see with room_id 1', async () => {
      const compat = await connectCompat(bob);
      const a = await connect(alice);
      compat.send({ message: 'from v1' });
      const frame = await a.next(isNewIn(1, 'from v1'));
      expect(frame.message).toMatchObject({
        user_id: bob.id,
        room_id: 1,
        seq: frame.seq,
        edited_at: null,
      });
    });
  });

  describe('message.edit and message.delete', () => {
    it('edit: acks with the number and members get message.updated', async () => {
      const roomId = await rooms.privateWith(alice, bob);
      const a = await connect(alice);
      const b = await connect(bob);
      const sent = await a.ok({ type: 'message.send', room_id: roomId, text: 'first' });
      const id = sent.message.message_id;
      const ack = await a.ok({ type: 'message.edit', req: 'e', message_id: id, text: '  second ' });
      expect(ack).toEqual({
        type: 'ack',
        req: 'e',
        message_id: id,
        room_id: roomId,
        seq: sent.message.seq + 1,
      });
      const updated = await b.next((frame) => frame.type === 'message.updated');
      expect(updated).toEqual({
        type: 'message.updated',
        room_id: roomId,
        seq: sent.message.seq + 1,
        message_id: id,
        text: 'second',
        edited_at: expect.stringMatching(ISO),
        mentions: [],
      });
      expect(Object.keys(updated)).toEqual([
        'type',
        'room_id',
        'seq',
        'message_id',
        'text',
        'edited_at',
        'mentions',
      ]);
      const [row] = await t.db.query(
        `SELECT text, to_char(edited_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
           FROM messages WHERE id = $1`,
        [id],
      );
      expect(row).toEqual({ text: 'second', at: updated.edited_at });
    });

    it('delete: acks with the number and members get message.deleted', async () => {
      const roomId = await rooms.privateWith(alice, bob);
      const a = await connect(alice);
      const b = await connect(bob);
      const sent = await a.ok({ type: 'message.send', room_id: roomId, text: 'bye' });
      const id = sent.message.message_id;
      const ack = await a.ok({ type: 'message.delete', req: 'd', message_id: id });
      expect(ack).toEqual({
        type: 'ack',
        req: 'd',
        message_id: id,
        room_id: roomId,
        seq: sent.message.seq + 1,
      });
      expect(await b.next((frame) => frame.type === 'message.deleted')).toEqual({
        type: 'message.deleted',
        room_id: roomId,
        seq: sent.message.seq + 1,
        message_id: id,
      });
      expect(await rooms.countMessages(roomId)).toBe(0);
      expect(await a.request({ type: 'message.delete', message_id: id })).toMatchObject({
        type: 'error',
        code: 'not_found',
      });
      expect(await a.request({ type: 'message.edit', message_id: id, text: 'x' })).toMatchObject({
        type: 'error',
        code: 'not_found',
      });
      expect(await rooms.lastSeq(roomId)).toBe(sent.message.seq + 1);
    });

    describe('who may edit and delete', () => {
      let owner: V2Client;
      let member: V2Client;
      let outsider: V2Client;
      let mod: V2Client;
      beforeEach(async () => {
        [owner, member, outsider, mod] = await Promise.all(
          [alice, bob, carol, moderator].map((user) => connect(user)),
        );
      });
      const send = async (client: V2Client, roomId: number, text = 'a message') =>
        (await client.ok({ type: 'message.send', room_id: roomId, text })).message
          .message_id as number;
      const code = async (client: V2Client, frame: Frame) => {
        const answer = await client.request(frame);
        return answer.type === 'ack' ? 'ack' : answer.code;
      };
      const stored = async (id: number) =>
        (await t.db.query('SELECT text FROM messages WHERE id = $1', [id]))[0]?.text;

      it('only the author edits, the room owner and moderators included', async () => {
        const roomId = await rooms.create(alice, 'public');
        await rooms.join(roomId, bob);
        await rooms.join(roomId, moderator);
        const id = await send(member, roomId, 'by bob');
        expect(await code(owner, { type: 'message.edit', message_id: id, text: 'o' })).toBe(
          'forbidden',
        );
        expect(await code(mod, { type: 'message.edit', message_id: id, text: 'm' })).toBe(
          'forbidden',
        );
        expect(await stored(id)).toBe('by bob');
        expect(await code(member, { type: 'message.edit', message_id: id, text: 'b' })).toBe('ack');
        expect(await stored(id)).toBe('b');
      });

      it('the author deletes their own message', async () => {
        const roomId = await rooms.create(alice, 'public');
        await rooms.join(roomId, bob);
        const id = await send(member, roomId);
        expect(await code(member, { type: 'message.delete', message_id: id })).toBe('ack');
        expect(await stored(id)).toBeUndefined();
      });

      it("another member does not delete someone's message", async () => {
        const roomId = await rooms.create(alice, 'public');
        await rooms.join(roomId, bob);
        const id = await send(owner, roomId);
        expect(await code(member, { type: 'message.delete', message_id: id })).toBe('forbidden');
        expect(await stored(id)).toBe('a message');
      });

      it("the room owner deletes a member's message, in a public and in a private room", async () => {
        const publicRoom = await rooms.create(alice, 'public');
        await rooms.join(publicRoom, bob);
        const privateRoom = await rooms.privateWith(alice, bob);
        for (const roomId of [publicRoom, privateRoom]) {
          const id = await send(member, roomId);
          expect(await code(owner, { type: 'message.delete', message_id: id })).toBe('ack');
          expect(await stored(id)).toBeUndefined();
        }
      });

      it('a site moderator deletes in a public room, even one they are not in', async () => {
        const roomId = await rooms.create(alice, 'public');
        await rooms.join(roomId, bob);
        const byBob = await send(member, roomId);
        const byOwner = await send(owner, roomId);
        expect(await code(mod, { type: 'message.delete', message_id: byBob })).toBe('ack');
        expect(await code(mod, { type: 'message.delete', message_id: byOwner })).toBe('ack');
        expect(await stored(byBob)).toBeUndefined();
        expect(await stored(byOwner)).toBeUndefined();
        const inGeneral = await send(member, 1);
        expect(await code(mod, { type: 'message.delete', message_id: inGeneral })).toBe('ack');
      });

      it('a site moderator cannot delete in a private room they are not in: not_found', async () => {
        const roomId = await rooms.privateWith(alice, bob);
        const id = await send(member, roomId);
        expect(await code(mod, { type: 'message.delete', message_id: id })).toBe('not_found');
        expect(await stored(id)).toBe('a message');
      });

      it('a site moderator who is a plain member of a private room does not delete in it', async () => {
        const roomId = await rooms.privateWith(alice, bob, moderator);
        const id = await send(member, roomId);
        expect(await code(mod, { type: 'message.delete', message_id: id })).toBe('forbidden');
        expect(await stored(id)).toBe('a message');
      });

      it('an outsider of a public room deletes nothing of it', async () => {
        const roomId = await rooms.create(alice, 'public');
        const id = await send(owner, roomId);
        expect(await code(outsider, { type: 'message.delete', message_id: id })).toBe('forbidden');
        expect(await code(outsider, { type: 'message.edit', message_id: id, text: 'x' })).toBe(
          'forbidden',
        );
        expect(await stored(id)).toBe('a message');
      });

      it('nothing is edited or deleted in an archived room', async () => {
        const roomId = await rooms.create(alice, 'public');
        const id = await send(owner, roomId);
        await rooms.archive(roomId, alice);
        expect(await code(owner, { type: 'message.edit', message_id: id, text: 'x' })).toBe(
          'forbidden',
        );
        expect(await code(owner, { type: 'message.delete', message_id: id })).toBe('forbidden');
        expect(await stored(id)).toBe('a message');
      });
    });
  });
});
