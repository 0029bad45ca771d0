import { WebSocket } from 'ws';
import { ChatMetrics } from '@chat/metrics';
import { ClientConnection, ConnectionObserver } from './connection/client-connection';
import { CLOSE_GOING_AWAY } from './connection/close-codes';
import { ConnectionRegistry } from './connection-registry.service';

const metrics = { connections: { inc: jest.fn(), dec: jest.fn() } } as unknown as ChatMetrics;

function fakeConnection(address = '127.0.0.1') {
  return { address, broadcastsFrom: 0, deliver: jest.fn() } as unknown as ClientConnection;
}

const frame = Buffer.from('frame');

describe('ConnectionRegistry', () => {
  it('counts the sockets open from each address', () => {
    const registry = new ConnectionRegistry(metrics);
    const [a, b, c] = [fakeConnection('a'), fakeConnection('a'), fakeConnection('b')];
    for (const connection of [a, b, c]) registry.add(connection);
    expect([registry.openFrom('a'), registry.openFrom('b'), registry.size]).toEqual([2, 1, 3]);
    registry.remove(a);
    registry.remove(a);
    registry.remove(c);
    expect([registry.openFrom('a'), registry.openFrom('b'), registry.size]).toEqual([1, 0, 1]);
  });

  it('knows which messages after an id each socket got since it joined', () => {
    const registry = new ConnectionRegistry(metrics);
    const early = fakeConnection();
    registry.add(early);
    registry.broadcast(frame, 10);
    registry.broadcast(frame);
    const late = fakeConnection();
    registry.add(late);
    registry.broadcast(frame, 11);
    registry.broadcast(frame, 12);
    expect(registry.messagesSentTo(early, 0)).toEqual(new Set([10, 11, 12]));
    expect(registry.messagesSentTo(early, 10)).toEqual(new Set([11, 12]));
    expect(registry.messagesSentTo(late, 0)).toEqual(new Set([11, 12]));
    expect(registry.recentMessageIds()).toEqual([10, 11, 12]);
  });

  it('does not know once more messages went out than it remembers', () => {
    const registry = new ConnectionRegistry(metrics);
    const connection = fakeConnection();
    registry.add(connection);
    for (let id = 1; id <= 4_096; id++) registry.broadcast(frame, id);
    expect(registry.messagesSentTo(connection, 0)?.size).toBe(4_096);
    registry.broadcast(frame, 4_097);
    expect(registry.messagesSentTo(connection, 0)).toBeNull();
    expect(registry.recentMessageIds()).toHaveLength(4_096);
  });

  describe('heartbeat', () => {
    const INTERVAL_MS = 30_000;
    const beating = () => {
      const socket = { ping: jest.fn(), terminate: jest.fn() };
      const connection = { ...fakeConnection(), alive: true, socket };
      return { connection: connection as unknown as ClientConnection, socket };
    };
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('pings each socket once an interval, a share of them each second, not all at once', () => {
      const registry = new ConnectionRegistry(metrics);
      const sockets = Array.from({ length: 300 }, () => beating());
      for (const { connection } of sockets) registry.add(connection);
      registry.startHeartbeat(INTERVAL_MS);
      const pinged = () =>
        sockets.reduce((sum, { socket }) => sum + socket.ping.mock.calls.length, 0);
      let most = 0;
      for (let second = 1; second <= 30; second++) {
        const before = pinged();
        jest.advanceTimersByTime(1_000);
        most = Math.max(most, pinged() - before);
      }
      expect(sockets.every(({ socket }) => socket.ping.mock.calls.length === 1)).toBe(true);
      expect(most).toBeLessThanOrEqual(10);
      registry.onModuleDestroy();
    });

    it('keeps each socket on its own turn while others come and go', () => {
      const registry = new ConnectionRegistry(metrics);
      const earlier = Array.from({ length: 100 }, () => beating().connection);
      for (const connection of earlier) registry.add(connection);
      const watched = beating();
      registry.add(watched.connection);
      registry.startHeartbeat(INTERVAL_MS);
      const pings: number[] = [];
      watched.socket.ping.mockImplementation(() => {
        pings.push(Date.now());
        watched.connection.alive = true;
      });
      // One socket that came before it goes every second, and a new one comes.
      for (let second = 0; second < 3 * 30; second++) {
        registry.remove(earlier[second]);
        registry.add(beating().connection);
        jest.advanceTimersByTime(1_000);
      }
      expect(pings).toHaveLength(3);
      expect(pings[1] - pings[0]).toBe(INTERVAL_MS);
      expect(pings[2] - pings[1]).toBe(INTERVAL_MS);
      registry.onModuleDestroy();
    });

    it('cuts off a socket that did not answer within an interval of its ping, and only it', () => {
      const registry = new ConnectionRegistry(metrics);
      const [answering, silent] = [beating(), beating()];
      for (const { connection } of [answering, silent]) registry.add(connection);
      registry.startHeartbeat(INTERVAL_MS);
      jest.advanceTimersByTime(INTERVAL_MS);
      expect(silent.socket.ping).toHaveBeenCalledTimes(1);
      answering.connection.alive = true;
      jest.advanceTimersByTime(INTERVAL_MS);
      expect(silent.socket.terminate).toHaveBeenCalled();
      expect(answering.socket.terminate).not.toHaveBeenCalled();
      expect(answering.socket.ping).toHaveBeenCalledTimes(2);
      registry.onModuleDestroy();
    });
  });

  describe('closeAll, at shutdown', () => {
    const observer: ConnectionObserver = {
      slowConsumer: () => undefined,
      frameFailed: () => undefined,
      frameSent: () => undefined,
    };

    /** A real connection on a socket whose TCP side records what reaches it. */
    function openConnection() {
      const tcp = { corks: 0, sent: [] as string[] };
      const socket = {
        readyState: WebSocket.OPEN as number,
        bufferedAmount: 0,
        _socket: {
          cork: () => tcp.corks++,
          uncork: () => (tcp.corks = Math.max(tcp.corks - 1, 0)),
          write: (data: Buffer) => tcp.sent.push(data.toString()),
        },
        close: jest.fn((code: number, reason: string) => {
          socket.readyState = WebSocket.CLOSING;
          // ws writes its close frame on the same TCP socket, behind what is corked there.
          socket._socket.write(Buffer.from(`close ${code} ${reason}`));
        }),
        terminate: jest.fn((): void => {
          socket.readyState = WebSocket.CLOSED;
        }),
      };
      const connection = new ClientConnection(
        socket as unknown as WebSocket,
        '127.0.0.1',
        1 << 20,
        observer,
      );
      return { connection, socket, tcp };
    }

    it('sends every socket its close frame now, not after this event-loop turn', () => {
      const registry = new ConnectionRegistry(metrics);
      const { connection, socket, tcp } = openConnection();
      registry.add(connection);
      // A broadcast in the same turn corks the socket until the turn is over; the adapter's
      // shutdown that follows destroys sockets before then.
      registry.broadcast(frame, 1);
      void registry.closeAll('Server shutting down', 1_000);
      expect(socket.close).toHaveBeenCalledWith(CLOSE_GOING_AWAY, 'Server shutting down');
      expect(tcp.corks).toBe(0);
    });

    it('waits until every socket has closed, for at most the given time', async () => {
      const registry = new ConnectionRegistry(metrics);
      const [first, second] = [openConnection(), openConnection()];
      registry.add(first.connection);
      registry.add(second.connection);
      let done = false;
      const closing = registry.closeAll('bye', 10_000).then(() => (done = true));
      registry.remove(first.connection);
      await new Promise((resolve) => setImmediate(resolve));
      expect(done).toBe(false);
      registry.remove(second.connection);
      await closing;

      // A client that never answers the close does not hold the shutdown past the bound: its
      // socket is cut off then and goes the usual way (presence hears of it while all is up).
      const stuck = openConnection();
      registry.add(stuck.connection);
      const gone: ClientConnection[] = [];
      registry.socketGone = (connection) => gone.push(connection);
      await registry.closeAll('bye', 50);
      expect(stuck.socket.terminate).toHaveBeenCalled();
      expect(gone).toEqual([stuck.connection]);
      expect(registry.size).toBe(0);
    });
  });

  describe('the expiry sweep', () => {
    beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
    afterEach(() => jest.useRealTimers());

    it('closes, each interval, the sockets whose token has expired, and only those', () => {
      const registry = new ConnectionRegistry(metrics);
      const [expiring, lasting] = [fakeConnection(), fakeConnection()];
      const closedAt: Record<string, number[]> = { expiring: [], lasting: [] };
      const expiresAt = { expiring: 1_000_000 + 1_500, lasting: 1_000_000 + 60_000 };
      for (const [name, connection] of [
        ['expiring', expiring],
        ['lasting', lasting],
      ] as const) {
        Object.assign(connection, {
          closeIfExpired: (now: number) => {
            if (now >= expiresAt[name]) closedAt[name].push(now);
          },
        });
        registry.add(connection);
      }
      registry.startExpirySweep(1_000);
      jest.advanceTimersByTime(1_000);
      expect(closedAt).toEqual({ expiring: [], lasting: [] });
      jest.advanceTimersByTime(1_000);
      expect(closedAt).toEqual({ expiring: [1_002_000], lasting: [] });
      registry.onModuleDestroy();
    });

    it('tells of the sockets not signed in by their deadline, once, and of no other', () => {
      const registry = new ConnectionRegistry(metrics);
      const [late, signed, gone, patient] = [1, 2, 3, 4].map(() =>
        Object.assign(fakeConnection(), { closeIfExpired: () => undefined, user: null }),
      );
      const overdue: ClientConnection[] = [];
      registry.authOverdue = (connection) => overdue.push(connection);
      for (const connection of [late, signed, gone, patient]) {
        registry.add(connection);
        registry.awaitAuth(connection, connection === patient ? 5_000 : 1_500);
      }
      // Not in the registry (closed before it was put there): nothing to wait for.
      registry.awaitAuth(fakeConnection(), 0);
      Object.assign(signed, { user: { id: 1 } });
      registry.signedIn(signed);
      registry.remove(gone);
      registry.startExpirySweep(1_000);
      jest.advanceTimersByTime(1_000);
      expect(overdue).toEqual([]);
      jest.advanceTimersByTime(1_000);
      expect(overdue).toEqual([late]);
      jest.advanceTimersByTime(2_000);
      expect(overdue).toEqual([late]);
      jest.advanceTimersByTime(1_000);
      expect(overdue).toEqual([late, patient]);
      jest.advanceTimersByTime(5_000);
      expect(overdue).toEqual([late, patient]);
      registry.onModuleDestroy();
    });

    it('keeps the sign-in deadline when the wall clock steps back', () => {
      const registry = new ConnectionRegistry(metrics);
      const socket = Object.assign(fakeConnection(), {
        closeIfExpired: () => undefined,
        user: null,
      });
      const overdue: ClientConnection[] = [];
      registry.authOverdue = (connection) => overdue.push(connection);
      registry.add(socket);
      registry.awaitAuth(socket, 1_500);
      registry.startExpirySweep(1_000);
      jest.setSystemTime(Date.now() - 60_000); // an NTP correction, say
      jest.advanceTimersByTime(1_000);
      expect(overdue).toEqual([]);
      jest.advanceTimersByTime(1_000);
      expect(overdue).toEqual([socket]);
      registry.onModuleDestroy();
    });
  });
});
