import { AuthUser } from '@chat/auth';
import { AppConfig } from '@chat/config';
import { PresenceChangedEvent } from '@chat/events';
import { ChatMetrics } from '@chat/metrics';
import { PresenceService, PresenceStatus } from '@chat/presence';
import { ClientConnection } from '../connection/client-connection';
import { ConnectionRegistry } from '../connection-registry.service';
import { EventBroadcaster } from '../event-broadcaster.service';
import { RoomStreams } from '../v2/room-streams';
import { PresenceDelivery } from './presence-delivery.service';

const MAX_BUFFERED = 1_000;

const metrics = {
  connections: { inc: jest.fn(), dec: jest.fn() },
  eventsBroadcast: { inc: jest.fn() },
  framesSent: { inc: jest.fn() },
  framesDropped: { inc: jest.fn() },
} as unknown as ChatMetrics;

/** The JSON of a frame as encodeFrame() made it (the WebSocket header taken off). */
const payload = (frame: Buffer) => frame.subarray(frame[1] === 126 ? 4 : 2).toString('utf8');

/** A v2 socket of `userId` that records the frames it is sent. */
function fakeSocket(userId: number) {
  return {
    address: '127.0.0.1',
    user: { id: userId, sessionId: `s${userId}` } as AuthUser,
    streams: new RoomStreams(MAX_BUFFERED),
    isOpen: true,
    bufferedBytes: 0,
    sent: [] as Record<string, unknown>[],
    sendEncoded(frames: Buffer[]) {
      for (const frame of frames) this.sent.push(JSON.parse(payload(frame)));
    },
  };
}
type FakeSocket = ReturnType<typeof fakeSocket>;

function setUp(
  store: { statuses?: Map<number, PresenceStatus>; online?: Map<number, number> } = {},
) {
  const registry = new ConnectionRegistry(metrics);
  const broadcaster = new EventBroadcaster(registry, metrics);
  const presence = {
    statuses: jest.fn((ids: number[]) =>
      store.statuses
        ? Promise.resolve(ids.map((id) => store.statuses!.get(id) ?? 'offline'))
        : Promise.reject(new Error('away')),
    ),
    onlineCounts: jest.fn((ids: number[]) =>
      store.online
        ? Promise.resolve(ids.map((id) => store.online!.get(id) ?? 0))
        : Promise.reject(new Error('away')),
    ),
  };
  const config = { socket: { maxBufferedBytes: MAX_BUFFERED } } as AppConfig;
  const delivery = new PresenceDelivery(
    registry,
    presence as unknown as PresenceService,
    metrics,
    broadcaster,
    config,
  );
  const connect = (userId: number, ...rooms: number[]): FakeSocket => {
    const socket = fakeSocket(userId);
    const connection = socket as unknown as ClientConnection;
    registry.add(connection);
    registry.signedIn(connection);
    for (const roomId of rooms) registry.joinRoom(connection, roomId);
    return socket;
  };
  return { broadcaster, delivery, presence, connect };
}

const changed = (
  userId: number,
  status: PresenceStatus,
  roomIds: number[],
  counts: { roomId: number; online: number }[] = [],
): PresenceChangedEvent => ({ type: 'presence.changed', userId, status, roomIds, counts });

describe('PresenceDelivery', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("tells each socket sharing a room each user's latest status once per flush, never the user's own", async () => {
    const { broadcaster, connect } = setUp();
    const ann = connect(1, 10, 11);
    const annPhone = connect(1, 10);
    const bob = connect(2, 10, 11);
    const carol = connect(3, 12);
    broadcaster.dispatch(changed(1, 'online', [10, 11]));
    broadcaster.dispatch(changed(1, 'away', [10, 11]));
    broadcaster.dispatch(changed(2, 'online', [10, 11]));
    expect(bob.sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(250);
    expect(bob.sent).toEqual([{ type: 'presence', user_id: 1, status: 'away' }]);
    expect(ann.sent).toEqual([{ type: 'presence', user_id: 2, status: 'online' }]);
    expect(annPhone.sent).toEqual([{ type: 'presence', user_id: 2, status: 'online' }]);
    expect(carol.sent).toEqual([]);
  });

  it('sends the status the store holds at the flush', async () => {
    const { broadcaster, connect } = setUp({ statuses: new Map([[1, 'offline']]) });
    const bob = connect(2, 10);
    broadcaster.dispatch(changed(1, 'online', [10]));
    await jest.advanceTimersByTimeAsync(250);
    expect(bob.sent).toEqual([{ type: 'presence', user_id: 1, status: 'offline' }]);
  });

  it("sends a large room's count to its sockets at most once a second, the latest, and not again unchanged", async () => {
    const { broadcaster, connect } = setUp();
    const bob = connect(2, 10);
    const counts = () => bob.sent.filter((frame) => frame.type === 'presence.count');
    broadcaster.dispatch(changed(1, 'online', [], [{ roomId: 10, online: 1 }]));
    await jest.advanceTimersByTimeAsync(250);
    expect(counts()).toEqual([{ type: 'presence.count', room_id: 10, online: 1 }]);
    broadcaster.dispatch(changed(3, 'online', [], [{ roomId: 10, online: 2 }]));
    broadcaster.dispatch(changed(4, 'online', [], [{ roomId: 10, online: 3 }]));
    await jest.advanceTimersByTimeAsync(500);
    expect(counts()).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(500);
    expect(counts()).toEqual([
      { type: 'presence.count', room_id: 10, online: 1 },
      { type: 'presence.count', room_id: 10, online: 3 },
    ]);
    broadcaster.dispatch(changed(4, 'away', [], [{ roomId: 10, online: 3 }]));
    await jest.advanceTimersByTimeAsync(2_000);
    expect(counts()).toHaveLength(2);
  });

  it('sends typing at once to the room but the typer', () => {
    const { broadcaster, connect } = setUp();
    const ann = connect(1, 10);
    const bob = connect(2, 10);
    const carol = connect(3, 11);
    broadcaster.dispatch({ type: 'typing', roomId: 10, userId: 1 });
    expect(bob.sent).toEqual([{ type: 'typing', room_id: 10, user_id: 1 }]);
    expect(ann.sent).toEqual([]);
    expect(carol.sent).toEqual([]);
  });

  it('sends a socket no presence, counts or typing while it has fallen behind', async () => {
    const { broadcaster, connect } = setUp();
    const slow = connect(2, 10);
    const fine = connect(3, 10);
    slow.bufferedBytes = MAX_BUFFERED / 2 + 1;
    broadcaster.dispatch({ type: 'typing', roomId: 10, userId: 1 });
    broadcaster.dispatch(changed(1, 'online', [10], [{ roomId: 10, online: 1 }]));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(slow.sent).toEqual([]);
    expect(fine.sent.map((frame) => frame.type).sort()).toEqual([
      'presence',
      'presence.count',
      'typing',
    ]);
  });
});

describe('PresenceDelivery to a socket that fell behind', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends it, once it has caught up, the current status of users whose change it was not sent', async () => {
    const statuses = new Map<number, PresenceStatus>([[1, 'offline']]);
    const { broadcaster, connect } = setUp({ statuses });
    const slow = connect(2, 10);
    broadcaster.dispatch(changed(1, 'online', [10]));
    await jest.advanceTimersByTimeAsync(250);
    expect(slow.sent).toEqual([{ type: 'presence', user_id: 1, status: 'offline' }]);
    // Behind while user 1 comes online: held back.
    slow.bufferedBytes = MAX_BUFFERED / 2 + 1;
    statuses.set(1, 'online');
    broadcaster.dispatch(changed(1, 'online', [10]));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(slow.sent).toHaveLength(1);
    slow.bufferedBytes = 0;
    await jest.advanceTimersByTimeAsync(250);
    expect(slow.sent).toEqual([
      { type: 'presence', user_id: 1, status: 'offline' },
      { type: 'presence', user_id: 1, status: 'online' },
    ]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(slow.sent).toHaveLength(2);
  });

  it('sends it, once it has caught up, the current count of a room whose count it missed', async () => {
    const online = new Map([[10, 1]]);
    const { broadcaster, connect } = setUp({ statuses: new Map(), online });
    const slow = connect(2, 10);
    slow.bufferedBytes = MAX_BUFFERED / 2 + 1;
    broadcaster.dispatch(changed(1, 'online', [], [{ roomId: 10, online: 1 }]));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(slow.sent).toEqual([]);
    online.set(10, 2);
    slow.bufferedBytes = 0;
    await jest.advanceTimersByTimeAsync(250);
    expect(slow.sent).toEqual([{ type: 'presence.count', room_id: 10, online: 2 }]);
    await jest.advanceTimersByTimeAsync(2_000);
    expect(slow.sent).toHaveLength(1);
  });

  it('sends a socket at most 500 statuses a flush, the rest at the next ones', async () => {
    const { broadcaster, connect } = setUp({ statuses: new Map() });
    const bob = connect(2, 10);
    for (let user = 100; user < 1_300; user++) broadcaster.dispatch(changed(user, 'online', [10]));
    await jest.advanceTimersByTimeAsync(250);
    expect(bob.sent).toHaveLength(500);
    await jest.advanceTimersByTimeAsync(500);
    expect(bob.sent).toHaveLength(1_200);
    expect(new Set(bob.sent.map((frame) => frame.user_id)).size).toBe(1_200);
  });
});

describe('PresenceDelivery when the wall clock is set back', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000_000 }));
  afterEach(() => jest.useRealTimers());

  it("still sends a large room's new count a second later", async () => {
    const { broadcaster, connect } = setUp();
    const bob = connect(2, 10);
    broadcaster.dispatch(changed(1, 'online', [], [{ roomId: 10, online: 1 }]));
    await jest.advanceTimersByTimeAsync(250);
    jest.setSystemTime(Date.now() - 3_600_000);
    broadcaster.dispatch(changed(3, 'online', [], [{ roomId: 10, online: 2 }]));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(bob.sent).toEqual([
      { type: 'presence.count', room_id: 10, online: 1 },
      { type: 'presence.count', room_id: 10, online: 2 },
    ]);
  });
});
