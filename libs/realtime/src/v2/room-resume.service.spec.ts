import type { AuthUser } from '@chat/auth';
import type { AppConfig } from '@chat/config';
import type { RoomHistory } from '@chat/messages';
import type { ChatMetrics } from '@chat/metrics';
import type { RoomAccess } from '@chat/rooms';
import { ClientConnection } from '../connection/client-connection';
import { ConnectionRegistry } from '../connection-registry.service';
import { RoomResume } from './room-resume.service';
import { RoomStreams } from './room-streams';

const counter = { inc: () => undefined, dec: () => undefined };

/** A signed-in v2 socket of user 9, sending through `send` and `sendEncoded`. */
function v2Connection(
  send: (frame: never) => unknown,
  sendEncoded: (frames: Buffer[]) => void = () => undefined,
): ClientConnection {
  return {
    address: '127.0.0.1',
    broadcastsFrom: 0,
    isOpen: true,
    user: { id: 9, sessionId: 's' } as AuthUser,
    streams: new RoomStreams(1 << 20),
    send,
    sendEncoded,
    bufferedBytes: 0,
  } as unknown as ClientConnection;
}

describe('RoomResume', () => {
  it('takes a socket out of a room its user is no longer a member of, and replays nothing of it', async () => {
    const registry = new ConnectionRegistry({ connections: counter } as unknown as ChatMetrics);
    const reads: number[] = [];
    const history = {
      lastSeqs: async (rooms: number[]) => new Map(rooms.map((id) => [id, 20])),
      eventsBetween: async function* (roomId: number) {
        reads.push(roomId);
        yield [];
      },
    } as unknown as RoomHistory;
    // The database says: user 9 is in general only (removed from room 5 while the bus was away).
    const access = {
      roomsOf: async () => [{ room_id: 1, last_seq: 20 }],
    } as unknown as RoomAccess;
    const frames: Record<string, unknown>[] = [];
    const connection = v2Connection((frame: Record<string, unknown>) => frames.push(frame));
    registry.add(connection);
    for (const roomId of [1, 5]) {
      connection.streams!.open(roomId, 10);
      registry.joinRoom(connection, roomId);
    }
    const resume = new RoomResume(history, access, registry, {
      resumeMaxMessages: 1000,
    } as AppConfig);

    await resume.resume(connection, 'r', new Map([[5, 10]]));

    expect(reads).toEqual([]);
    expect(frames).toEqual([
      { type: 'error', req: 'r', code: 'not_found', detail: 'Room not found', room_id: 5 },
    ]);
    expect(connection.streams!.has(5)).toBe(false);
    expect(registry.serves(5)).toBe(false);
  });

  it('holds a live change that comes while membership is read, behind the older ones replayed', async () => {
    const registry = new ConnectionRegistry({ connections: counter } as unknown as ChatMetrics);
    const sent: string[] = [];
    const connection = v2Connection(
      (frame: { type: string; seq?: number }) => sent.push(`${frame.type} ${frame.seq ?? ''}`),
      (frames) => frames.forEach((data) => sent.push(data.toString())),
    );
    registry.add(connection);
    connection.streams!.open(5, 10);
    registry.joinRoom(connection, 5);
    // Message 13 is stored and broadcast while the resume reads the user's rooms.
    const access = {
      roomsOf: async () => {
        if (connection.streams!.admitLive(5, 13, Buffer.from('live 13')) === 'send') {
          sent.push('live 13');
        }
        return [{ room_id: 5, last_seq: 13 }];
      },
    } as unknown as RoomAccess;
    const history = {
      lastSeqs: async () => new Map([[5, 13]]),
      eventsBetween: async function* () {
        yield [11, 12, 13].map((seq) => ({
          type: 'message.created',
          roomId: 5,
          seq,
          message: { message_id: seq },
        }));
      },
    } as unknown as RoomHistory;
    const resume = new RoomResume(history, access, registry, {
      resumeMaxMessages: 1000,
    } as AppConfig);

    await resume.resume(connection, 'r', new Map([[5, 10]]));

    expect(sent).toEqual(['message.new 11', 'message.new 12', 'message.new 13', 'resumed ']);
  });

  it('answers an empty resume (the SDK heartbeat) without the database', async () => {
    const touched: string[] = [];
    const history = {
      lastSeqs: async () => touched.push('lastSeqs') && new Map(),
    } as unknown as RoomHistory;
    const access = { roomsOf: async () => touched.push('roomsOf') && [] } as unknown as RoomAccess;
    const registry = new ConnectionRegistry({ connections: counter } as unknown as ChatMetrics);
    const resume = new RoomResume(history, access, registry, {
      resumeMaxMessages: 1000,
    } as AppConfig);
    const frames: unknown[] = [];
    const connection = {
      isOpen: true,
      user: { id: 9, sessionId: 's' } as AuthUser,
      streams: new RoomStreams(1 << 20),
      send: (frame: unknown) => frames.push(frame),
    } as unknown as ClientConnection;

    await resume.resume(connection, 'beat', new Map());

    expect(touched).toEqual([]);
    expect(frames).toEqual([]);
  });
});
