import { AuthUser } from '@chat/auth';
import { ChatEvent, ChatMessage, EventBus } from '@chat/events';
import { ChatMetrics } from '@chat/metrics';
import { ClientConnection } from './connection/client-connection';
import { ConnectionRegistry } from './connection-registry.service';
import { EventBroadcaster } from './event-broadcaster.service';

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
function fakeConnection(sessionId?: string) {
  return {
    address: '127.0.0.1',
    broadcastsFrom: 0,
    user: sessionId ? ({ id: 1, sessionId } as AuthUser) : null,
    deliver: jest.fn(),
    refuse: jest.fn(),
  };
}

function setUp() {
  let listener: (event: ChatEvent) => void = () => undefined;
  const bus = {
    subscribe: (subscriber: typeof listener) => ((listener = subscriber), () => undefined),
  } as unknown as EventBus;
  const registry = new ConnectionRegistry(metrics);
  const broadcaster = new EventBroadcaster(bus, registry, metrics);
  const connect = (sessionId?: string) => {
    const connection = fakeConnection(sessionId);
    registry.add(connection as unknown as ClientConnection);
    return connection;
  };
  return { publish: (event: ChatEvent) => listener(event), broadcaster, registry, connect };
}

/** The JSON of a frame from encodeFrame() shorter than 64 KiB. */
const text = (frame: Buffer) => frame.subarray(frame[1] === 126 ? 4 : 2).toString('utf8');

describe('EventBroadcaster', () => {
  it('hands every socket the very same bytes of one frame, the message id alongside', () => {
    const { publish, connect } = setUp();
    const sockets = [connect(), connect(), connect()];
    publish({ type: 'message.created', message: message(5), clientId: 'k' });
    const [[frame, messageId]] = sockets[0].deliver.mock.calls;
    expect(JSON.parse(text(frame))).toEqual({ ...message(5), client_id: 'k' });
    expect(messageId).toBe(5);
    for (const socket of sockets) {
      expect(socket.deliver).toHaveBeenCalledTimes(1);
      expect(socket.deliver.mock.calls[0][0]).toBe(frame);
    }
  });

  it('sends other events without a message id', () => {
    const { publish, connect } = setUp();
    const socket = connect();
    publish({ type: 'message.deleted', messageId: 5 });
    expect(socket.deliver).toHaveBeenCalledWith(expect.any(Buffer), undefined);
    expect(text(socket.deliver.mock.calls[0][0])).toBe('{"event":"delete","message_id":5}');
  });

  it('sends nothing for a deleted account', () => {
    const { publish, connect } = setUp();
    const socket = connect();
    publish({ type: 'user.deleted', userId: 1, previousAvatar: '/static/a.webp' });
    expect(socket.deliver).not.toHaveBeenCalled();
  });

  it('refuses the sockets of revoked sessions, and only those', () => {
    const { publish, connect } = setUp();
    const [revoked, kept, anonymous] = [connect('s1'), connect('s2'), connect()];
    publish({ type: 'sessions.revoked', sessionIds: ['s1', 's3'] });
    expect(revoked.refuse).toHaveBeenCalledWith('Invalid token');
    expect(kept.refuse).not.toHaveBeenCalled();
    expect(anonymous.refuse).not.toHaveBeenCalled();
    expect(revoked.deliver).not.toHaveBeenCalled();
  });

  it('while tracking, sends each message once, counting those already sent', () => {
    const { publish, broadcaster, connect } = setUp();
    const socket = connect();
    broadcaster.trackSentMessages([1]);
    for (const id of [1, 2, 2, 3]) publish({ type: 'message.created', message: message(id) });
    broadcaster.dispatch({ type: 'message.created', message: message(3) });
    expect(socket.deliver.mock.calls.map(([, id]) => id)).toEqual([2, 3]);
    broadcaster.stopTrackingSentMessages();
    publish({ type: 'message.created', message: message(3) });
    expect(socket.deliver.mock.calls.map(([, id]) => id)).toEqual([2, 3, 3]);
  });
});
