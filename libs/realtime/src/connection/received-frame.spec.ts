import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { releaseReceivedFrame } from './received-frame';

type WithReceiver = { _receiver: { _mask?: Buffer } };

describe('releaseReceivedFrame', () => {
  let server: WebSocketServer;
  let client: WebSocket;
  let serverSide: WebSocket;

  beforeEach(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const connected = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    client = new WebSocket(`ws://127.0.0.1:${port}`);
    serverSide = await connected;
    if (client.readyState !== WebSocket.OPEN)
      await new Promise((resolve) => client.once('open', resolve));
  });

  afterEach(async () => {
    const closed = new Promise((resolve) => client.once('close', resolve));
    client.terminate();
    await closed;
    await new Promise((resolve) => server.close(resolve));
  });

  it("drops ws's view on the last frame read, and the frames after it still arrive whole", async () => {
    const received: string[] = [];
    const masks: (Buffer | undefined)[] = [];
    const all = new Promise<void>((resolve) =>
      serverSide.on('message', (data) => {
        masks.push((serverSide as unknown as WithReceiver)._receiver._mask);
        releaseReceivedFrame(serverSide);
        received.push(String(data));
        if (received.length === 3) resolve();
      }),
    );
    client.send('first frame, a token perhaps');
    client.send('second');
    client.send('x'.repeat(70_000));
    await all;
    // ws did keep it (else this test tests nothing); after the release it keeps none.
    expect(masks.every((mask) => mask?.length === 4)).toBe(true);
    expect((serverSide as unknown as WithReceiver)._receiver._mask).toBeUndefined();
    expect(received).toEqual(['first frame, a token perhaps', 'second', 'x'.repeat(70_000)]);
  });

  it('leaves alone a socket without a receiver', () => {
    const socket = {} as WebSocket;
    releaseReceivedFrame(socket);
    expect(socket).toEqual({});
  });
});
