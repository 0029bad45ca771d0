import { createServer, Server, Socket } from 'node:net';
import { freePort } from './server-processes';

/**
 * A TCP relay on a loopback port of its own to a target port, which can be cut (every connection
 * through it dropped, new ones refused at once) and restored: a network partition between one
 * client and a server, while others still reach that server directly. It can also lose what the
 * server says while passing on what the client says (a connection dead in one direction).
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private cutOff = false;
  private deaf = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    const port = await freePort();
    const proxy: TcpProxy = new TcpProxy(
      createServer((client) => proxy.relay(client, targetPort)),
      port,
    );
    await new Promise<void>((resolve) => proxy.server.listen(port, '127.0.0.1', resolve));
    return proxy;
  }

  /** The relay's address, for an HTTP or WebSocket client. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** From now until the next cut, what the server sends is lost; what the client sends goes. */
  loseAnswers(): void {
    this.deaf = true;
  }

  /** Drops every connection through the relay and refuses new ones until restore(). */
  cut(): void {
    this.cutOff = true;
    this.deaf = false;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.cutOff = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket, targetPort: number): void {
    if (this.cutOff) return void client.destroy();
    const upstream = new Socket();
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.connect(targetPort, '127.0.0.1');
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (!this.deaf) client.write(chunk);
    });
  }
}
