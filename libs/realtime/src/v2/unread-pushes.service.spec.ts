import { AuthUser } from '@chat/auth';
import { ChatMessage } from '@chat/events';
import { ChatMetrics } from '@chat/metrics';
import { MemberCounts, ReadMarkers } from '@chat/rooms';
import { ClientConnection } from '../connection/client-connection';
import { ConnectionRegistry } from '../connection-registry.service';
import { EventBroadcaster } from '../event-broadcaster.service';
import { RoomStreams } from './room-streams';
import { UnreadPushes } from './unread-pushes.service';

const metrics = {
  connections: { inc: jest.fn(), dec: jest.fn() },
  eventsBroadcast: { inc: jest.fn() },
  framesSent: { inc: jest.fn() },
  broadcastDuration: { startTimer: () => () => undefined },
} as unknown as ChatMetrics;

/** The JSON of a frame as encodeFrame() made it (the WebSocket header taken off). */
const payload = (frame: Buffer) => frame.subarray(frame[1] === 126 ? 4 : 2).toString('utf8');

function fakeSocket(userId: number) {
  const sent: Record<string, unknown>[] = [];
  return {
    address: '127.0.0.1',
    broadcastsFrom: 0,
    user: { id: userId, sessionId: `s${userId}` } as AuthUser,
    streams: new RoomStreams(1 << 20),
    sent,
    deliverToRoom: jest.fn(),
    sendEncoded(frames: Buffer[]) {
      for (const frame of frames) sent.push(JSON.parse(payload(frame)));
    },
  };
}

const counts = (userId: number, unread: number): MemberCounts => ({
  user_id: userId,
  unread,
  mentions: 1,
  last_read_seq: 4,
  last_seq: 12,
});

function setUp(answer: (userIds: number[]) => MemberCounts[] | Promise<MemberCounts[]>) {
  const registry = new ConnectionRegistry(metrics);
  const broadcaster = new EventBroadcaster(registry, metrics);
  const countsForUnread = jest.fn(
    (_roomId: number, userIds: number[], _message: { seq: number; authorId: number | null }) =>
      Promise.resolve(answer(userIds)),
  );
  new UnreadPushes(registry, { countsForUnread } as unknown as ReadMarkers, metrics, broadcaster);
  const connect = (userId: number, ...rooms: number[]) => {
    const socket = fakeSocket(userId);
    const connection = socket as unknown as ClientConnection;
    registry.add(connection);
    registry.signedIn(connection);
    for (const roomId of rooms) registry.joinRoom(connection, roomId);
    return socket;
  };
  return { broadcaster, countsForUnread, connect };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Answers held until the test lets them go, one at a time, in the order they were asked. */
function heldAnswers() {
  const held: (() => void)[] = [];
  return {
    answer: (ids: number[]) =>
      new Promise<MemberCounts[]>((resolve) =>
        held.push(() => resolve(ids.map((id) => counts(id, 1)))),
      ),
    get waiting() {
      return held.length;
    },
    release: async () => {
      held.shift()!();
      await settle();
    },
  };
}

const mentioning = (roomId: number, seq: number, authorId: number, mentions: number[]) =>
  ({
    type: 'message.created',
    roomId,
    seq,
    message: { message_id: seq, user_id: authorId } as ChatMessage,
    mentions,
  }) as const;
const unreadFrames = (socket: ReturnType<typeof fakeSocket>) =>
  socket.sent.filter((frame) => frame.type === 'unread');

describe('UnreadPushes', () => {
  it("after a message mentioning users, asks the counts of those in the room here and sends each to that user's sockets in the room", async () => {
    const { broadcaster, countsForUnread, connect } = setUp((ids) =>
      ids.map((id) => counts(id, 3)),
    );
    const mentioned = connect(2, 5);
    const mentionedElsewhere = connect(2, 6);
    const other = connect(3, 5);
    broadcaster.dispatchRoom({
      type: 'message.created',
      roomId: 5,
      seq: 12,
      message: { message_id: 9, user_id: 1 } as ChatMessage,
      mentions: [1, 2, 4],
    });
    await settle();
    expect(countsForUnread).toHaveBeenCalledWith(5, [2], { seq: 12, authorId: 1 });
    expect(unreadFrames(mentioned)).toEqual([
      { type: 'unread', room_id: 5, unread: 3, mentions: 1, last_read_seq: 4, last_seq: 12 },
    ]);
    expect(unreadFrames(mentionedElsewhere)).toEqual([]);
    expect(unreadFrames(other)).toEqual([]);
  });

  it('after a deletion, asks about every user in the room here, and sends only the counts answered', async () => {
    const { broadcaster, countsForUnread, connect } = setUp((ids) =>
      ids.filter((id) => id !== 3).map((id) => counts(id, 1)),
    );
    const [first, second, author] = [connect(2, 5), connect(2, 5), connect(3, 5)];
    broadcaster.dispatchRoom({
      type: 'message.deleted',
      roomId: 5,
      seq: 20,
      messageId: 9,
      messageSeq: 12,
      authorId: 3,
    });
    await settle();
    expect(countsForUnread).toHaveBeenCalledWith(5, [2, 3], { seq: 12, authorId: 3 });
    expect(unreadFrames(first)).toHaveLength(1);
    expect(unreadFrames(second)).toHaveLength(1);
    expect(unreadFrames(author)).toEqual([]);
  });

  it('asks nothing when no one concerned has a socket in the room here', async () => {
    const { broadcaster, countsForUnread, connect } = setUp(() => []);
    connect(2, 6);
    broadcaster.dispatchRoom({
      type: 'message.created',
      roomId: 5,
      seq: 12,
      message: { message_id: 9, user_id: 1 } as ChatMessage,
      mentions: [2],
    });
    broadcaster.dispatchRoom({
      type: 'member.left',
      roomId: 5,
      seq: 13,
      userId: 4,
      reason: 'left',
    });
    await settle();
    expect(countsForUnread).not.toHaveBeenCalled();
  });

  it('reads the counts of many users 500 at a time', async () => {
    const { broadcaster, countsForUnread, connect } = setUp(() => []);
    for (let user = 1; user <= 1_100; user++) connect(user, 5);
    broadcaster.dispatchRoom({
      type: 'message.deleted',
      roomId: 5,
      seq: 20,
      messageId: 9,
      messageSeq: 12,
      authorId: 3,
    });
    await settle();
    await settle();
    await settle();
    expect(countsForUnread.mock.calls.map(([, ids]) => ids.length)).toEqual([500, 500, 100]);
  });

  it('runs one push per room at a time: changes meanwhile wait, and go as one for all they concern', async () => {
    const held = heldAnswers();
    const { broadcaster, countsForUnread, connect } = setUp(held.answer);
    const sockets = [connect(2, 5), connect(3, 5), connect(4, 5)];
    broadcaster.dispatchRoom(mentioning(5, 12, 1, [2]));
    await settle();
    broadcaster.dispatchRoom(mentioning(5, 14, 1, [3]));
    broadcaster.dispatchRoom(mentioning(5, 13, 4, [2]));
    await settle();
    expect(countsForUnread.mock.calls).toEqual([[5, [2], { seq: 12, authorId: 1 }]]);
    await held.release();
    // Members for whom any of the messages is unread: before the highest number, any author.
    expect(countsForUnread.mock.calls[1]).toEqual([5, [2, 3], { seq: 14, authorId: null }]);
    await held.release();
    expect(countsForUnread).toHaveBeenCalledTimes(2);
    expect(sockets.map((socket) => unreadFrames(socket).length)).toEqual([2, 1, 0]);
  });

  it('a deletion waiting with mentions makes the push one for everyone in the room here', async () => {
    const held = heldAnswers();
    const { broadcaster, countsForUnread, connect } = setUp(held.answer);
    for (const user of [2, 3, 4]) connect(user, 5);
    broadcaster.dispatchRoom(mentioning(5, 12, 1, [2]));
    await settle();
    broadcaster.dispatchRoom(mentioning(5, 13, 1, [3]));
    broadcaster.dispatchRoom({
      type: 'message.deleted',
      roomId: 5,
      seq: 14,
      messageId: 9,
      messageSeq: 10,
      authorId: 1,
    });
    await held.release();
    expect(countsForUnread.mock.calls[1]).toEqual([5, [2, 3, 4], { seq: 13, authorId: 1 }]);
  });

  it('runs at most two pushes at once; the other rooms wait their turn, each pushed once', async () => {
    const held = heldAnswers();
    const { broadcaster, countsForUnread, connect } = setUp(held.answer);
    const rooms = [5, 6, 7, 8, 9];
    for (const roomId of rooms) {
      connect(roomId * 10, roomId);
      broadcaster.dispatchRoom(mentioning(roomId, 12, 1, [roomId * 10]));
    }
    await settle();
    let most = 0;
    for (let released = 0; released < rooms.length; released++) {
      most = Math.max(most, held.waiting);
      await held.release();
    }
    expect(most).toBe(2);
    expect(countsForUnread.mock.calls.map(([roomId]) => roomId)).toEqual(rooms);
  });
});
