import { createServer, Server, Socket } from 'node:net';

/**
 * A TCP relay on a loopback port of its own in front of the server, for one browser to reach it
 * through: it can lose everything the server says from some moment on (a connection that died in
 * one direction), and cut every connection, refusing new ones, until restored.
 */
export class Relay {
  private readonly sockets = new Set<Socket>();
  private cutOff = false;
  private deaf = false;

  private constructor(private readonly server: Server) {}

  static async start(target: string): Promise<Relay> {
    const targetPort = Number(new URL(target).port);
    const relay: Relay = new Relay(createServer((client) => relay.relay(client, targetPort)));
    await new Promise<void>((resolve) => relay.server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get url(): string {
    const address = this.server.address() as { port: number };
    return `http://127.0.0.1:${address.port}`;
  }

  /** From now until the next cut, what the server sends is lost; what the browser sends goes. */
  loseAnswers(): void {
    this.deaf = true;
  }

  /** Drops every connection and refuses new ones until restore(). */
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
