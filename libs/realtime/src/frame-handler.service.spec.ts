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

describe('FrameHandler, resume', () => {
  it('sends a message broadcast while the resume is being checked after the replay, once', async () => {
    let recheckDone!: () => void;
    const verifier = {
      recheck: (user: AuthUser) => new Promise((resolve) => (recheckDone = () => resolve(user))),
    } as unknown as TokenVerifier;
    const messages = {
      countSince: async () => 3,
      // By the time the replay reads, the live message (4) is stored too.
      pagesSince: async function* () {
        yield [message(2), message(3), message(4)];
      },
    } as unknown as MessagesService;
    const registry = new ConnectionRegistry(metrics);
    const handler = new FrameHandler(
      messages,
      verifier,
      {} as MessageRateLimiter,
      metrics,
      registry,
      { resumeMaxMessages: 100 } as AppConfig,
    );
    const { connection, ids } = compatConnection(registry);

    const resuming = handler.handle(
      connection,
      Buffer.from('{"action":"resume","after_id":1}'),
      false,
    );
    // Another client's message is stored and broadcast while the token is rechecked.
    registry.broadcast(encodeFrame(messageFrame(message(4))), 4);
    recheckDone();
    await resuming;
    await new Promise((resolve) => setImmediate(resolve));

    expect(ids).toEqual([2, 3, 4]);
  });
});
