import { RESUME_MAX_ROOMS } from '@chat/protocol';
import { ChatClient } from './chat-client';
import { clientOf, outcome, recorded, settle, wait } from './testing/client-harness';
import { FakeChatServer } from './testing/fake-chat-server';

const ME = 7;
const OTHER = 8;
let server: FakeChatServer;
let clients: ChatClient[];

beforeEach(() => {
  jest.useFakeTimers({ now: 0 });
  server = new FakeChatServer();
  server.addRoom(1, [ME, OTHER]);
  server.addRoom(2, [ME]);
  clients = [];
});

afterEach(() => {
  clients.forEach((client) => client.close());
  jest.useRealTimers();
});

function client(userId = ME): ChatClient {
  const made = clientOf(server, server.token(userId));
  clients.push(made);
  return made;
}

async function connected(userId = ME): Promise<ChatClient> {
  const made = client(userId);
  await made.connect();
  return made;
}

const texts = (roomId: number) => server.stored(roomId).map((message) => message.message);
const sendsOn = (socket = server.latest) => socket.sent.filter((f) => f.type === 'message.send');

describe('sending', () => {
  it('waits while offline and goes once online', async () => {
    server.holdConnections = true;
    const chat = client();
    void chat.connect();
    const sent = outcome(chat.send(1, 'hello'));
    await wait(1_000);
    expect(chat.pending()).toEqual([{ roomId: 1, text: 'hello', clientId: expect.any(String) }]);
    expect(sendsOn()).toEqual([]);
    server.accept();
    await settle();
    expect(sent).toEqual({
      state: 'resolved',
      value: expect.objectContaining({ message: 'hello' }),
    });
    expect(chat.pending()).toEqual([]);
  });

  it('after a drop before the ack, sends again with the same client_id: resolved once, stored once', async () => {
    const chat = await connected();
    server.afterFrame = (socket, frame) => frame.type === 'message.send' && socket.drop();
    const sent = outcome(chat.send(1, 'once'));
    await settle();
    server.afterFrame = undefined;
    expect(sent.state).toBe('pending');
    await wait(250);
    expect(sent).toEqual({ state: 'resolved', value: expect.objectContaining({ seq: 1 }) });
    const [first, again] = server.sockets.map((socket) => sendsOn(socket)[0]);
    expect(again.client_id).toBe(first.client_id);
    expect(texts(1)).toEqual(['once']);
  });

  it('keeps the order of a room: one message in flight at a time, across drops', async () => {
    const chat = await connected();
    server.afterFrame = (socket, frame) => frame.type === 'message.send' && socket.drop();
    const sends = ['a', 'b', 'c'].map((text) => chat.send(1, text));
    await settle();
    server.afterFrame = undefined;
    expect(sendsOn().map((frame) => frame.text)).toEqual(['a']);
    await wait(250);
    await Promise.all(sends);
    expect(texts(1)).toEqual(['a', 'b', 'c']);
  });

  it.each(['forbidden', 'invalid_input'] as const)(
    'a %s refusal rejects that message only; the next one goes',
    async (code) => {
      const chat = await connected();
      server.refuseNext('message.send', code);
      const refused = chat.send(1, 'refused');
      const next = chat.send(1, 'next');
      await expect(refused).rejects.toMatchObject({ name: 'ChatSocketError', code });
      await expect(next).resolves.toMatchObject({ message: 'next' });
      expect(texts(1)).toEqual(['next']);
    },
  );

  it.each(['rate_limited', 'unavailable'] as const)(
    'a %s refusal is tried again after a delay',
    async (code) => {
      const chat = await connected();
      server.refuseNext('message.send', code);
      const sent = outcome(chat.send(1, 'later'));
      await wait(249);
      expect(sendsOn()).toHaveLength(1);
      await wait(1);
      expect(sendsOn()).toHaveLength(2);
      expect(sent.state).toBe('resolved');
      expect(texts(1)).toEqual(['later']);
    },
  );

  it('room.removed rejects the room’s waiting messages, and other rooms go on', async () => {
    const chat = await connected();
    const removed = recorded(chat, 'room.removed');
    server.beforeFrame = (_, frame) => frame.room_id === 2 && server.removeMember(2, ME);
    const inRoom2 = [chat.send(2, 'first'), chat.send(2, 'second')].map(outcome);
    const inRoom1 = outcome(chat.send(1, 'elsewhere'));
    await settle();
    expect(removed).toEqual([{ type: 'room.removed', room_id: 2, seq: 1, reason: 'removed' }]);
    expect(inRoom2.map((sent) => [sent.state, (sent.value as { code?: string }).code])).toEqual([
      ['rejected', 'not_found'],
      ['rejected', 'not_found'],
    ]);
    expect(inRoom1.state).toBe('resolved');
    expect(chat.store.room(2)).toBeUndefined();
  });

  it('a room that resume refuses is lost: room.lost, and its waiting messages are rejected', async () => {
    const chat = await connected();
    const lost = recorded(chat, 'room.lost');
    server.latest.drop();
    server.removeMember(2, ME);
    const sent = outcome(chat.send(2, 'too late'));
    await wait(250);
    expect(lost).toEqual([{ room_id: 2 }]);
    expect(sent.state).toBe('rejected');
    expect(sent.value).toMatchObject({ code: 'not_found' });
    expect(chat.lastSeq(2)).toBeUndefined();
  });

  it('edits and removals reach every member’s store', async () => {
    const me = await connected();
    const other = await connected(OTHER);
    const message = await me.send(1, 'draft');
    await me.edit(message.message_id, 'final');
    await settle();
    expect(other.store.room(1)?.messages.map((m) => [m.message, m.edited])).toEqual([
      ['final', true],
    ]);
    await me.remove(message.message_id);
    await settle();
    expect(other.store.room(1)?.messages).toEqual([]);
  });
});

describe('receiving', () => {
  it('does not hand on again a frame at or below the last seq', async () => {
    const chat = await connected();
    const seen = recorded(chat, 'message.new');
    const [one, two] = [server.post(OTHER, 1, 'one'), server.post(OTHER, 1, 'two')];
    await settle();
    for (const message of [two, one]) {
      server.latest.deliver({ type: 'message.new', room_id: 1, seq: message.seq, message });
    }
    await settle();
    expect(seen.map((frame) => frame.seq)).toEqual([1, 2]);
    expect(chat.store.room(1)).toMatchObject({ unread: 2, messages: [one, two] });
  });

  it('hands on a change that came live before the replay of older ones in its place', async () => {
    const chat = await connected();
    const seen = recorded(chat, 'message.new');
    server.post(OTHER, 1, 'one');
    await settle();
    server.latest.drop();
    server.post(OTHER, 1, 'missed');
    server.beforeFrame = (_, frame) => frame.type === 'resume' && server.post(OTHER, 1, 'live');
    await wait(250);
    expect(seen.map((frame) => frame.message.message)).toEqual(['one', 'missed', 'live']);
    expect(server.latest.sent.filter((frame) => frame.type === 'resume')).toHaveLength(1);
  });

  it('after a gap, asks once for the room from the last seq; later changes wait for the missing one', async () => {
    const chat = await connected();
    const seen = recorded(chat, 'message.new');
    server.post(OTHER, 1, 'one');
    await settle();
    const first = server.latest;
    first.loseNext(1);
    ['two', 'three', 'four'].forEach((text) => server.post(OTHER, 1, text));
    await settle();
    expect(first.sent.filter((frame) => frame.type === 'resume')).toEqual([
      { type: 'resume', rooms: { 1: 1 }, req: expect.any(String) },
    ]);
    expect(seen.map((frame) => frame.seq)).toEqual([1]);
    // This socket was sent the lost change already, so only a new socket's resume brings it.
    await wait(250);
    expect(seen.map((frame) => frame.message.message)).toEqual(['one', 'two', 'three', 'four']);
  });

  it('surfaces resumed without recovery and empties the store’s room, then goes on live', async () => {
    server.resumeMax = 1;
    const chat = await connected();
    const resumed = recorded(chat, 'resumed');
    server.post(OTHER, 1, 'seen');
    await settle();
    server.latest.drop();
    ['missed', 'missed', 'missed'].forEach((text) => server.post(OTHER, 1, text));
    await wait(250);
    expect(resumed).toContainEqual({ type: 'resumed', room_id: 1, recovered: false, last_seq: 4 });
    expect(chat.store.room(1)?.messages).toEqual([]);
    server.post(OTHER, 1, 'live');
    await settle();
    expect(chat.store.room(1)?.messages.map((message) => message.seq)).toEqual([5]);
  });

  it('leaves a change that overtook a resume without recovery to the reload, on the same socket', async () => {
    server.resumeMax = 1;
    const chat = await connected();
    const seen = recorded(chat, 'message.new');
    server.latest.drop();
    ['missed', 'missed'].forEach((text) => server.post(OTHER, 1, text));
    server.beforeFrame = (_, frame) => frame.type === 'resume' && server.post(OTHER, 1, 'live');
    await wait(2_000);
    expect(seen).toEqual([]);
    expect(chat.lastSeq(1)).toBe(3);
    expect(server.sockets).toHaveLength(2);
  });

  it('after a resume refused as a whole, still repairs a gap', async () => {
    const chat = await connected();
    const seen = recorded(chat, 'message.new');
    const problems = recorded(chat, 'problem');
    server.post(OTHER, 1, 'one');
    await settle();
    server.latest.drop();
    server.post(OTHER, 1, 'two');
    server.refuseNext('resume', 'invalid_frame');
    await wait(250);
    expect(problems).toEqual([{ detail: 'resume refused: Refused (invalid_frame)' }]);
    server.post(OTHER, 1, 'three');
    await settle();
    expect(seen.map((frame) => frame.message.message)).toEqual(['one', 'two', 'three']);
  });

  it('when the server cannot resume for now, reconnects and resumes again', async () => {
    const chat = await connected();
    const seen = recorded(chat, 'message.new');
    server.latest.drop();
    server.post(OTHER, 1, 'missed');
    server.refuseNext('resume', 'unavailable');
    await wait(250);
    expect(seen).toEqual([]);
    await wait(500);
    expect(seen.map((frame) => frame.message.message)).toEqual(['missed']);
  });

  it('backs off while the server keeps refusing to resume', async () => {
    await connected();
    server.latest.drop();
    ['unavailable', 'unavailable', 'unavailable'].forEach((code) =>
      server.refuseNext('resume', code as 'unavailable'),
    );
    await wait(20_000);
    const madeAt = server.sockets.map((socket) => socket.createdAt);
    expect(madeAt.slice(1).map((at, i) => at - madeAt[i])).toEqual([250, 500, 1_000, 2_000]);
  });

  it('resumes a user of more rooms than one resume may name', async () => {
    const many = Array.from({ length: RESUME_MAX_ROOMS + 1 }, (_, i) => 100 + i);
    many.forEach((roomId) => server.addRoom(roomId, [ME, OTHER]));
    const chat = await connected();
    const problems = recorded(chat, 'problem');
    const seen = recorded(chat, 'message.new');
    server.latest.drop();
    server.post(OTHER, many[0], 'first');
    server.post(OTHER, many[RESUME_MAX_ROOMS], 'last');
    await wait(250);
    expect(problems).toEqual([]);
    expect(seen.map((frame) => frame.message.message).sort()).toEqual(['first', 'last']);
  });

  it('reports a frame that breaks the protocol as a problem and does not hand it on', async () => {
    const chat = await connected();
    const problems = recorded(chat, 'problem');
    const seen = recorded(chat, 'message.new');
    // Without its number: nothing tells where in the room it would go.
    server.latest.deliver({ type: 'message.new', room_id: 1 });
    server.latest.deliver('not json');
    await settle();
    expect(problems).toEqual([
      expect.objectContaining({ detail: expect.stringContaining('message.new') }),
      expect.objectContaining({ detail: 'Not JSON' }),
    ]);
    expect(seen).toEqual([]);
    server.post(OTHER, 1, 'valid');
    await settle();
    expect(seen).toHaveLength(1);
  });

  it('a listener that throws does not keep the others from the event', async () => {
    const chat = await connected();
    const problems = recorded(chat, 'problem');
    chat.on('message.new', () => {
      throw new Error('boom');
    });
    const seen = recorded(chat, 'message.new');
    server.post(OTHER, 1, 'hello');
    await settle();
    expect(seen).toHaveLength(1);
    expect(problems).toEqual([{ detail: 'A listener threw: boom' }]);
  });
});

describe('two clients in one process', () => {
  it('keep their own user, rooms, messages and connection', async () => {
    const me = await connected();
    const other = await connected(OTHER);
    await me.send(2, 'mine alone');
    await settle();
    expect([me.userId, other.userId]).toEqual([ME, OTHER]);
    expect(me.store.room(2)?.messages).toHaveLength(1);
    expect(other.store.room(2)).toBeUndefined();
    expect([me.lastSeq(2), other.lastSeq(2)]).toEqual([1, undefined]);
    server.open.filter((socket) => socket !== server.sockets[1]).forEach((s) => s.drop());
    server.holdConnections = true;
    await wait(250);
    expect([me.state, other.state]).toEqual(['reconnecting', 'online']);
    const waiting = outcome(me.send(1, 'queued'));
    expect([me.pending().length, other.pending().length]).toEqual([1, 0]);
    await expect(other.send(1, 'goes')).resolves.toMatchObject({ seq: 1 });
    expect(waiting.state).toBe('pending');
  });
});
