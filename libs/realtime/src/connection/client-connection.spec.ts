import fc from 'fast-check';
import { WebSocket } from 'ws';
import { AuthUser } from '@chat/auth';
import { ChatMessage } from '@chat/events';
import { encodeFrame } from '../frames/encode-frame';
import { deleteFrame, messageFrame } from '../frames/server-frames';
import { ClientConnection, ConnectionObserver } from './client-connection';
import { CLOSE_POLICY_VIOLATION } from './close-codes';

/** A socket that records whether the connection stopped reading it. */
function fakeSocket() {
  const socket = {
    readyState: WebSocket.OPEN,
    isPaused: false,
    pause: jest.fn(),
    resume: jest.fn(),
  };
  socket.pause.mockImplementation(() => (socket.isPaused = true));
  socket.resume.mockImplementation(() => (socket.isPaused = false));
  return socket;
}

const observer: ConnectionObserver = {
  slowConsumer: () => undefined,
  frameFailed: () => undefined,
  frameSent: () => undefined,
};

describe('ClientConnection', () => {
  it('stops reading its socket while 32 frames wait, and reads again once few are left', async () => {
    const socket = fakeSocket();
    const connection = new ClientConnection(
      socket as unknown as WebSocket,
      '127.0.0.1',
      1024,
      observer,
    );
    const gates: (() => void)[] = [];
    const handled: number[] = [];
    let mostWaiting = 0;
    for (let i = 0; i < 100; i++) {
      connection.enqueue(
        () =>
          new Promise<void>((resolve) =>
            gates.push(() => {
              handled.push(i);
              resolve();
            }),
          ),
      );
      mostWaiting = Math.max(mostWaiting, connection.waitingFrames);
    }
    // ws may still emit what it had read: every frame is kept, none refused.
    expect(mostWaiting).toBe(100);
    expect(socket.pause).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 100; i++) {
      while (gates.length <= i) await Promise.resolve();
      gates[i]();
      await new Promise((resolve) => setImmediate(resolve));
      if (connection.waitingFrames > 8) expect(socket.isPaused).toBe(true);
    }
    expect(handled).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(socket.isPaused).toBe(false);
    expect(socket.resume).toHaveBeenCalledTimes(1);
  });
});

/** An open ws socket over a TCP socket that records what is written to it, decoded. */
function recordingSocket() {
  const written: Record<string, unknown>[] = [];
  const socket = {
    readyState: WebSocket.OPEN as number,
    bufferedAmount: 0,
    isPaused: false,
    pause: jest.fn(),
    resume: jest.fn(),
    close: jest.fn(),
    terminate: jest.fn(),
    _socket: {
      cork: () => undefined,
      uncork: () => undefined,
      write: (frame: Buffer) => {
        const headerLength = frame[1] === 126 ? 4 : 2;
        written.push(JSON.parse(frame.subarray(headerLength).toString('utf8')));
      },
    },
  };
  socket.close.mockImplementation(() => (socket.readyState = WebSocket.CLOSING));
  socket.terminate.mockImplementation(() => (socket.readyState = WebSocket.CLOSED));
  return { socket, written, asWebSocket: socket as unknown as WebSocket };
}

function observing() {
  return { slowConsumer: jest.fn(), frameFailed: jest.fn(), frameSent: jest.fn() };
}

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
const live = (id: number) => encodeFrame(messageFrame(message(id)));
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const BOUND = 64 * 1024;

describe('ClientConnection during a resume', () => {
  /**
   * One instance storing messages 1..total in id order and broadcasting each after storing it;
   * the socket joined after broadcast `joinedAfter`, asks to resume after `afterId` once
   * `broadcastBefore` messages went out, and its replay reads pages while more are stored and
   * broadcast, until a read finds nothing new; then the held broadcasts are released.
   */
  const scenario = fc
    .record({
      total: fc.integer({ min: 1, max: 30 }),
      afterId: fc.nat({ max: 30 }),
      joinedAfter: fc.nat({ max: 30 }),
      broadcastBefore: fc.nat({ max: 30 }),
      steps: fc.array(
        fc.oneof(
          fc.constant({ kind: 'store' as const }),
          fc.constant({ kind: 'broadcast' as const }),
          fc.constant({ kind: 'edit' as const }),
          fc.record({ kind: fc.constant('page' as const), size: fc.integer({ min: 1, max: 5 }) }),
        ),
        { maxLength: 60 },
      ),
    })
    .map((s) => {
      const joinedAfter = Math.min(s.joinedAfter, s.total);
      const broadcastBefore = Math.min(Math.max(s.broadcastBefore, joinedAfter), s.total);
      // A client knows of no message that was not stored yet.
      const afterId = Math.min(s.afterId, broadcastBefore);
      return { ...s, afterId, joinedAfter, broadcastBefore };
    });

  it('sends each message the client lacks once, in id order, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenario,
        async ({ total, afterId, joinedAfter, broadcastBefore, steps }) => {
          const { written, asWebSocket } = recordingSocket();
          const connection = new ClientConnection(asWebSocket, '127.0.0.1', BOUND, observing());
          let stored = broadcastBefore;
          let broadcast = broadcastBefore;
          let replayed = afterId;
          let edits = 0;
          const sentLive = new Set<number>();
          for (let id = joinedAfter + 1; id <= broadcastBefore; id++) {
            connection.deliver(live(id), id);
            if (id > afterId) sentLive.add(id);
          }
          const before = written.length;
          const readPage = (size: number) => {
            const last = Math.min(stored, replayed + size);
            while (replayed < last) connection.replay(message(++replayed));
          };
          const broadcastNext = () => connection.deliver(live(++broadcast), broadcast);

          connection.startReplay(sentLive);
          for (const step of steps) {
            if (step.kind === 'store' && stored < total) stored++;
            if (step.kind === 'broadcast' && broadcast < stored) broadcastNext();
            if (step.kind === 'edit') connection.deliver(encodeFrame(deleteFrame(1_000 + ++edits)));
            if (step.kind === 'page') readPage(step.size);
          }
          readPage(Infinity);
          connection.release();
          while (stored < total) stored++;
          while (broadcast < total) broadcastNext();

          const after = written.slice(before);
          const ids = after.filter((frame) => !('event' in frame)).map((frame) => frame.message_id);
          const lacking = [];
          for (let id = afterId + 1; id <= total; id++) if (!sentLive.has(id)) lacking.push(id);
          expect(ids).toEqual(lacking);
          const deleted = after.filter((frame) => frame.event === 'delete');
          expect(deleted.map((frame) => frame.message_id)).toEqual(
            Array.from({ length: edits }, (_, i) => 1_001 + i),
          );
          await nextTurn();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('cuts off a client whose held broadcasts pass the buffer bound', () => {
    const { socket, asWebSocket } = recordingSocket();
    const observer = observing();
    const connection = new ClientConnection(asWebSocket, '127.0.0.1', 100, observer);
    connection.startReplay(null);
    connection.deliver(Buffer.alloc(60), 1);
    connection.deliver(Buffer.alloc(40), 2);
    expect(socket.terminate).not.toHaveBeenCalled();
    connection.deliver(Buffer.alloc(1), 3);
    expect(observer.slowConsumer).toHaveBeenCalledWith(connection);
    expect(socket.terminate).toHaveBeenCalledTimes(1);
  });

  it('sends a broadcast at once when no replay runs, and a replayed message only in a replay', async () => {
    const { written, asWebSocket } = recordingSocket();
    const connection = new ClientConnection(asWebSocket, '127.0.0.1', BOUND, observing());
    connection.replay(message(1));
    connection.deliver(live(2), 2);
    expect(written.map((frame) => frame.message_id)).toEqual([2]);
    await nextTurn();
  });
});

describe('ClientConnection', () => {
  it('refuses with a notice, then closes with 1008 and the notice as the reason', async () => {
    const { socket, written, asWebSocket } = recordingSocket();
    const observer = observing();
    const connection = new ClientConnection(asWebSocket, '127.0.0.1', BOUND, observer);
    connection.refuse('Invalid token');
    expect(written).toEqual([{ event: 'send user message', message: 'Invalid token' }]);
    expect(socket.close).toHaveBeenCalledWith(CLOSE_POLICY_VIOLATION, 'Invalid token');
    expect(observer.frameSent).toHaveBeenCalledTimes(1);
    await nextTurn();
  });

  it('counts frames sent to it alone, and not broadcasts', async () => {
    const { asWebSocket } = recordingSocket();
    const observer = observing();
    const connection = new ClientConnection(asWebSocket, '127.0.0.1', BOUND, observer);
    connection.deliver(live(1), 1);
    expect(observer.frameSent).not.toHaveBeenCalled();
    connection.send(deleteFrame(1));
    expect(observer.frameSent).toHaveBeenCalledTimes(1);
    await nextTurn();
  });

  it('reports a frame whose handling failed, with itself', async () => {
    const { asWebSocket } = recordingSocket();
    const observer = observing();
    const connection = new ClientConnection(asWebSocket, '127.0.0.1', BOUND, observer);
    const error = new Error('boom');
    connection.enqueue(() => Promise.reject(error));
    await nextTurn();
    expect(observer.frameFailed).toHaveBeenCalledWith(connection, error);
  });

  describe('when its token expires', () => {
    const NOW = 1_000_000;
    const caller = (expiresAt: number): AuthUser =>
      ({ id: 1, sessionId: 's', expiresAt }) as unknown as AuthUser;

    it('tells the client and closes the socket, not before', () => {
      const { socket, written, asWebSocket } = recordingSocket();
      const connection = new ClientConnection(asWebSocket, '127.0.0.1', BOUND, observing());
      connection.signIn(caller(NOW + 5_000));
      expect(connection.tokenExpired(NOW + 4_999)).toBe(false);
      expect(connection.tokenExpired(NOW + 5_000)).toBe(true);
      connection.closeIfExpired(NOW + 4_999);
      expect(socket.close).not.toHaveBeenCalled();
      connection.closeIfExpired(NOW + 5_000);
      expect(written).toEqual([{ event: 'send user message', message: 'Token expired' }]);
      expect(socket.close).toHaveBeenCalledWith(CLOSE_POLICY_VIOLATION, 'Token expired');
    });

    it('follows the latest sign-in, and tells a closing socket nothing more', () => {
      const { socket, written, asWebSocket } = recordingSocket();
      const connection = new ClientConnection(asWebSocket, '127.0.0.1', BOUND, observing());
      connection.signIn(caller(NOW + 1_000));
      connection.signIn(caller(NOW + 3_000));
      connection.closeIfExpired(NOW + 2_000);
      expect(socket.close).not.toHaveBeenCalled();
      connection.closeIfExpired(NOW + 3_000);
      connection.closeIfExpired(NOW + 4_000);
      expect(socket.close).toHaveBeenCalledTimes(1);
      expect(written).toHaveLength(1);
    });

    it('never closes an anonymous socket, nor one whose token has no expiry', () => {
      const { socket, asWebSocket } = recordingSocket();
      const connection = new ClientConnection(asWebSocket, '127.0.0.1', BOUND, observing());
      connection.closeIfExpired(Number.MAX_SAFE_INTEGER);
      connection.signIn({ id: 1, sessionId: 's' } as unknown as AuthUser);
      connection.closeIfExpired(Number.MAX_SAFE_INTEGER);
      expect(socket.close).not.toHaveBeenCalled();
    });
  });
});
