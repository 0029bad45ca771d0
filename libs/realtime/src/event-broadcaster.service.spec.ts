import { AuthUser } from '@chat/auth';
import { ChatMessage, RoomEvent } from '@chat/events';
import { ChatMetrics } from '@chat/metrics';
import { ClientConnection } from './connection/client-connection';
import { ConnectionRegistry } from './connection-registry.service';
import { EventBroadcaster } from './event-broadcaster.service';
import { RoomStreams } from './v2/room-streams';

const message = (id: number): ChatMessage => ({
  message_id: id,
  user_id: 1,
  name: 'ann',
  role: 1,
  user_avatar: '/static/a.webp',
  message: `m${id}`,
  time_send: '12:00:00',
  created_at: '2026-01-01T12:00:00.000Z',
  edited: false,
});

const metrics = {
  connections: { inc: jest.fn(), dec: jest.fn() },
  broadcastDuration: { startTimer: () => () => undefined },
  eventsBroadcast: { inc: jest.fn() },
  framesSent: { inc: jest.fn() },
} as unknown as ChatMetrics;

/** A connection that records what is delivered to it, and whether it was refused. */
function fakeConnection(sessionId?: string, v2 = false) {
  return {
    address: '127.0.0.1',
    broadcastsFrom: 0,
    user: sessionId ? ({ id: 1, sessionId } as AuthUser) : null,
    streams: v2 ? new RoomStreams(1 << 20) : null,
    deliver: jest.fn(),
    deliverToRoom: jest.fn(),
    sendEncoded: jest.fn(),
    refuse: jest.fn(),
  };
}

function setUp() {
  const registry = new ConnectionRegistry(metrics);
  const broadcaster = new EventBroadcaster(registry, metrics);
  const connect = (sessionId?: string) => {
    const connection = fakeConnection(sessionId);
    registry.add(connection as unknown as ClientConnection);
    return connection;
  };
  /** A signed-in v2 socket in these rooms. */
  const connectV2 = (...rooms: number[]) => {
    const connection = fakeConnection('v2', true);
    registry.add(connection as unknown as ClientConnection);
    registry.signedIn(connection as unknown as ClientConnection);
    for (const roomId of rooms)
      registry.joinRoom(connection as unknown as ClientConnection, roomId);
    return connection;
  };
  return { broadcaster, connect, connectV2 };
}

const created = (roomId: number, seq: number, id: number, clientId?: string): RoomEvent => ({
  type: 'message.created',
  roomId,
  seq,
  message: message(id),
  ...(clientId ? { clientId } : {}),
});

/** The JSON of a frame from encodeFrame() shorter than 64 KiB. */
const text = (frame: Buffer) => frame.subarray(frame[1] === 126 ? 4 : 2).toString('utf8');

describe('EventBroadcaster', () => {
  it('hands every compat socket the very same v1 bytes of a general-room message, with its id', () => {
    const { broadcaster, connect } = setUp();
    const sockets = [connect(), connect(), connect()];
    broadcaster.dispatchRoom(created(1, 9, 5, 'k'));
    const [[frame, messageId]] = sockets[0].deliver.mock.calls;
    expect(text(frame)).toBe(JSON.stringify({ ...message(5), client_id: 'k' }));
    expect(messageId).toBe(5);
    for (const socket of sockets) {
      expect(socket.deliver).toHaveBeenCalledTimes(1);
      expect(socket.deliver.mock.calls[0][0]).toBe(frame);
    }
  });

  it("gives a room's v2 sockets one message.new frame with the room and number, and no one else", () => {
    const { broadcaster, connect, connectV2 } = setUp();
    const [compat, inRoom, alsoInRoom, elsewhere] = [
      connect(),
      connectV2(1, 5),
      connectV2(5),
      connectV2(1),
    ];
    broadcaster.dispatchRoom(created(5, 3, 8));
    expect(compat.deliver).not.toHaveBeenCalled();
    expect(elsewhere.deliverToRoom).not.toHaveBeenCalled();
    const [[frame, roomId, seq]] = inRoom.deliverToRoom.mock.calls;
    expect([roomId, seq]).toEqual([5, 3]);
    expect(JSON.parse(text(frame))).toEqual({
      type: 'message.new',
      room_id: 5,
      seq: 3,
      message: { ...message(8), room_id: 5, seq: 3, edited_at: null, mentions: [] },
    });
    expect(alsoInRoom.deliverToRoom.mock.calls[0][0]).toBe(frame);
  });

  it('shows a general-room deletion to compat sockets as v1, without a message id', () => {
    const { broadcaster, connect } = setUp();
    const socket = connect();
    broadcaster.dispatchRoom({ type: 'message.deleted', roomId: 1, seq: 4, messageId: 5 });
    expect(socket.deliver).toHaveBeenCalledWith(expect.any(Buffer), undefined, 1);
    expect(text(socket.deliver.mock.calls[0][0])).toBe('{"event":"delete","message_id":5}');
  });

  it('shows compat sockets nothing of membership, even in the general room', () => {
    const { broadcaster, connect } = setUp();
    const socket = connect();
    broadcaster.dispatchRoom({ type: 'member.left', roomId: 1, seq: 4, userId: 2, reason: 'left' });
    expect(socket.deliver).not.toHaveBeenCalled();
  });

  it('shows a user update to compat sockets as v1 and to v2 sockets as user.updated', () => {
    const { broadcaster, connect, connectV2 } = setUp();
    const [compat, v2] = [connect(), connectV2()];
    broadcaster.dispatch({ type: 'user.updated', userId: 2, name: 'bo', role: 1, avatar: '/a' });
    expect(JSON.parse(text(compat.deliver.mock.calls[0][0]))).toEqual({
      event: 'user',
      user_id: 2,
      name: 'bo',
      role: 1,
      user_avatar: '/a',
    });
    expect(JSON.parse(text(v2.sendEncoded.mock.calls[0][0][0]))).toEqual({
      type: 'user.updated',
      user_id: 2,
      name: 'bo',
      role: 1,
      user_avatar: '/a',
    });
  });

  it('shows a new avatar to v2 sockets as user.updated with the avatar alone', () => {
    const { broadcaster, connectV2 } = setUp();
    const v2 = connectV2();
    broadcaster.dispatch({ type: 'avatar.changed', userId: 2, avatar: '/b.webp' });
    expect(text(v2.sendEncoded.mock.calls[0][0][0])).toBe(
      '{"type":"user.updated","user_id":2,"user_avatar":"/b.webp"}',
    );
  });

  it('sends nothing for a deleted account', () => {
    const { broadcaster, connect } = setUp();
    const socket = connect();
    broadcaster.dispatch({ type: 'user.deleted', userId: 1, previousAvatar: '/static/a.webp' });
    expect(socket.deliver).not.toHaveBeenCalled();
  });

  it('refuses the sockets of revoked sessions, and only those', () => {
    const { broadcaster, connect } = setUp();
    const [revoked, kept, anonymous] = [connect('s1'), connect('s2'), connect()];
    broadcaster.dispatch({ type: 'sessions.revoked', sessionIds: ['s1', 's3'] });
    expect(revoked.refuse).toHaveBeenCalledWith('Invalid token');
    expect(kept.refuse).not.toHaveBeenCalled();
    expect(anonymous.refuse).not.toHaveBeenCalled();
    expect(revoked.deliver).not.toHaveBeenCalled();
  });
});
