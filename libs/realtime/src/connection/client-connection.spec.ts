import { WebSocket } from 'ws';
import { ClientConnection, ConnectionObserver } from './client-connection';

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
