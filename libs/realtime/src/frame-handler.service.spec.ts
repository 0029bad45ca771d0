import { WebSocket } from 'ws';
import type { AuthUser, TokenVerifier } from '@chat/auth';
import type { AppConfig } from '@chat/config';
import type { ChatMessage } from '@chat/events';
import type { MessagesService } from '@chat/messages';
import type { ChatMetrics } from '@chat/metrics';
import { ClientConnection } from './connection/client-connection';
import { ConnectionRegistry } from './connection-registry.service';
import { FrameHandler } from './frame-handler.service';
import { encodeFrame } from './frames/encode-frame';
import { messageFrame } from './frames/server-frames';
import type { MessageRateLimiter } from './message-rate-limiter.service';

const counter = { inc: () => undefined, dec: () => undefined };
const metrics = { connections: counter, framesRejected: counter } as unknown as ChatMetrics;

const message = (id: number) => ({ message_id: id, message: `text ${id}` }) as ChatMessage;

/** A compat socket whose frames are recorded as the ids of the messages they carry. */
function compatConnection(registry: ConnectionRegistry) {
  const ids: number[] = [];
  const tcp = {
    cork: () => undefined,
    uncork: () => undefined,
    write: (data: Buffer) => {
      const text = data.toString();
      const id = JSON.parse(text.slice(text.indexOf('{'))).message_id;
      if (typeof id === 'number') ids.push(id);
    },
  };
  const socket = { readyState: WebSocket.OPEN, bufferedAmount: 0, _socket: tcp };
  const connection = new ClientConnection(socket as unknown as WebSocket, '127.0.0.1', 1 << 20, {
    slowConsumer: () => undefined,
    frameFailed: () => undefined,
    frameSent: () => undefined,
  });
  connection.signIn({ id: 7, sessionId: 's7' } as AuthUser);
  registry.add(connection);
  registry.signedIn(connection);
  return { connection, ids };
}

/**
 * A handler whose token recheck waits for `recheckDone(valid)`, over a replay of `stored`, which
 * is too long when it holds more than `resumeMaxMessages`.
 */
function setUp(stored: number[], resumeMaxMessages = 100) {
  let recheckDone!: (valid: boolean) => void;
  const verifier = {
    recheck: (user: AuthUser) =>
      new Promise((resolve) => (recheckDone = (valid) => resolve(valid ? user : null))),
  } as unknown as TokenVerifier;
  const messages = {
    countSince: async () => stored.length,
    pagesSince: async function* () {
      yield stored.map(message);
    },
    latestId: async () => stored.at(-1) ?? 1,
  } as unknown as MessagesService;
  const registry = new ConnectionRegistry(metrics);
  const handler = new FrameHandler(
    messages,
    verifier,
    {} as MessageRateLimiter,
    metrics,
    registry,
    { resumeMaxMessages } as AppConfig,
  );
  const { connection, ids } = compatConnection(registry);
  const resume = () =>
    handler.handle(connection, Buffer.from('{"action":"resume","after_id":1}'), false);
  const broadcast = (id: number) => registry.broadcast(encodeFrame(messageFrame(message(id))), id);
  const flushed = () => new Promise((resolve) => setImmediate(resolve));
  return {
    ids,
    resume,
    broadcast,
    flushed,
    recheckDone: (v: boolean) => recheckDone(v),
  };
}

describe('FrameHandler, resume', () => {
  // Either the replay reads the live message too (stored by then) or it does not.
  it.each([
    { replay: 'carries it', stored: [2, 3, 4], live: 4, expected: [2, 3, 4] },
    { replay: 'does not carry it', stored: [2, 3], live: 5, expected: [2, 3, 5] },
  ])(
    'sends a message broadcast while the resume is being checked after the replay, once, when the replay $replay',
    async ({ stored, live, expected }) => {
      const { ids, resume, broadcast, flushed, recheckDone } = setUp(stored);
      const resuming = resume();
      broadcast(live);
      recheckDone(true);
      await resuming;
      await flushed();
      expect(ids).toEqual(expected);
    },
  );

  it('sends what it held back when there is too much to replay, and then holds nothing', async () => {
    const { ids, resume, broadcast, flushed, recheckDone } = setUp([2, 3, 4], 2);
    const resuming = resume();
    broadcast(7);
    recheckDone(true);
    await resuming;
    broadcast(8);
    await flushed();
    expect(ids).toEqual([7, 8]);
  });
});
