import { ChatEvent, RoomEvent } from '@chat/events';
import { LocalEventBus } from '../../events/src/event-bus';
import type { RoomHistory } from '@chat/messages';
import type { ChatMetrics } from '@chat/metrics';
import { AuthUser } from '@chat/auth';
import { ClientConnection } from './connection/client-connection';
import { ConnectionRegistry } from './connection-registry.service';
import { EventBroadcaster } from './event-broadcaster.service';
import { RoomFanout } from './room-fanout.service';
import { RoomStreams } from './v2/room-streams';

const counter = { inc: () => undefined, dec: () => undefined };
const metrics = {
  connections: counter,
  broadcastDuration: { startTimer: () => () => undefined },
  eventsBroadcast: counter,
  framesSent: counter,
  roomChangesFilled: counter,
  roomChangesSkipped: counter,
} as unknown as ChatMetrics;

/** A bus on one instance whose room subscriptions take hold at once, recorded. */
class RecordingBus extends LocalEventBus {
  readonly watched: number[] = [];
  readonly unwatched: number[] = [];
  override watchRoom(roomId: number): Promise<boolean> {
    this.watched.push(roomId);
    return Promise.resolve(true);
  }
  override unwatchRoom(roomId: number): void {
    this.unwatched.push(roomId);
  }
}

const message = (roomId: number, seq: number): RoomEvent => ({
  type: 'message.deleted',
  roomId,
  seq,
  messageId: seq,
});

async function setUp(stored: Record<number, number> = {}) {
  const bus = new RecordingBus();
  const registry = new ConnectionRegistry(metrics);
  const history = {
    lastSeqs: async (rooms: number[]) =>
      new Map(rooms.filter((id) => id in stored).map((id) => [id, stored[id]])),
    eventsBetween: async function* (roomId: number, afterSeq: number, upToSeq: number) {
      const events: RoomEvent[] = [];
      for (let seq = afterSeq + 1; seq <= upToSeq; seq++) events.push(message(roomId, seq));
      yield events;
    },
  } as unknown as RoomHistory;
  const fanout = new RoomFanout(
    bus,
    registry,
    new EventBroadcaster(registry, metrics),
    history,
    metrics,
  );
  await fanout.onModuleInit();
  /** A signed-in v2 socket of `userId`, recording the room frames written to it. */
  const socket = (userId: number) => {
    const sent: string[] = [];
    const streams = new RoomStreams(1 << 20);
    const connection = {
      address: '127.0.0.1',
      broadcastsFrom: 0,
      user: { id: userId, sessionId: `s${userId}` } as AuthUser,
      streams,
      deliverToRoom: (data: Buffer, roomId: number, seq: number) => {
        if (streams.admitLive(roomId, seq, data) === 'send') sent.push(`${roomId}:${seq}`);
      },
      send: (frame: { type: string; room_id?: number; seq?: number }) =>
        sent.push(`${frame.type} ${frame.room_id}:${frame.seq}`),
      sendEncoded: () => undefined,
    } as unknown as ClientConnection;
    registry.add(connection);
    registry.signedIn(connection);
    return { connection, sent };
  };
  /** A compat (v1) socket, in the general room without joining it, recording its frames. */
  const compatSocket = () => {
    const sent: string[] = [];
    const connection = {
      address: '127.0.0.1',
      user: { id: 99, sessionId: 's99' } as AuthUser,
      deliver: (data: Buffer) => sent.push(data.toString()),
    } as unknown as ClientConnection;
    registry.add(connection);
    registry.signedIn(connection);
    return { connection, sent };
  };
  const publish = (event: ChatEvent) => bus.publish(event);
  return { bus, registry, fanout, socket, compatSocket, publish };
}

const left = (roomId: number, seq: number, userId: number): RoomEvent => ({
  type: 'member.left',
  roomId,
  seq,
  userId,
  reason: 'removed',
});

describe('RoomFanout', () => {
  it('puts a signing-in socket in a room from the number the instance passed on meanwhile', async () => {
    const { fanout, socket, publish } = await setUp();
    const first = socket(1);
    expect(fanout.join(first.connection, 5, 10)).toBe(10);
    publish(message(5, 11));
    // The second socket read the room's number (10) before 11 was passed on.
    const second = socket(2);
    expect(fanout.join(second.connection, 5, 10)).toBe(11);
    publish(message(5, 12));
    expect(first.sent).toEqual(['5:11', '5:12']);
    expect(second.sent).toEqual(['5:12']);
  });

  it('does not put a socket back in a room its user left while its rooms were read', async () => {
    const { fanout, registry, socket, publish } = await setUp();
    const owner = socket(1);
    fanout.join(owner.connection, 5, 10);
    const mallory = socket(9);
    // Read before the removal: the room is in mallory's list at 10; the removal is 11.
    publish(left(5, 11, 9));
    expect(fanout.join(mallory.connection, 5, 10)).toBeNull();
    publish(message(5, 12));
    expect(mallory.sent).toEqual([]);
    expect(mallory.connection.streams!.has(5)).toBe(false);
    expect([...registry.socketsOf(9)]).toEqual([mallory.connection]);
  });

  it('shows the general room from its number at start, whichever change arrives first', async () => {
    // Two instances' inserts: 11 (this one's, shown here at once) committed after 10 (the other
    // instance's, still on its way over Redis). Nothing followed the room before.
    const { compatSocket, publish } = await setUp({ 1: 9 });
    const v1 = compatSocket();
    publish(message(1, 11));
    publish(message(1, 10));
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
    // Each frame is encoded for the wire: its JSON follows the WebSocket header.
    const ids = v1.sent.map((frame) => JSON.parse(frame.slice(frame.indexOf('{'))).message_id);
    expect(ids).toEqual([10, 11]);
  });

  it('reads what a room changed before its subscription held', async () => {
    const { socket, fanout } = await setUp({ 5: 13 });
    const first = socket(1);
    fanout.join(first.connection, 5, 10);
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(first.sent).toEqual(['5:11', '5:12', '5:13']);
  });
});
