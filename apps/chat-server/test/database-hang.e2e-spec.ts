import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';
import { DataSource, DataSourceOptions } from 'typeorm';
import { dataSourceOptions, isDatabaseUnavailable, poolOptions } from '@chat/database';
import { bearer, createUser, TestUser } from './support/factories';
import { ChatClient } from './support/chat-client';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';

/** Requests that would hang without a timeout are cut off here, so the test fails instead. */
const REQUEST_LIMIT_MS = 10_000;
const POOL_SIZE = 10;

/**
 * A TCP relay in front of PostgreSQL that can stop answering without closing anything, as a
 * SIGSTOPped server or a vanished host does. Connections open when it hangs never answer again;
 * after recover() new connections reach the server.
 */
class HangingRelay {
  private hanging = false;
  private readonly sockets = new Set<Socket>();
  private readonly cuts: (() => void)[] = [];

  private constructor(private readonly server: Server) {}

  static async start(target: URL): Promise<HangingRelay> {
    const server = createServer();
    const relay = new HangingRelay(server);
    server.on('connection', (client) => relay.accept(client, target));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  hang(): void {
    this.hanging = true;
    for (const cut of this.cuts.splice(0)) cut();
  }

  recover(): void {
    this.hanging = false;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: Socket, target: URL): void {
    this.track(client);
    if (this.hanging) {
      client.pause();
      return;
    }
    const upstream = this.track(connect(Number(target.port), target.hostname));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
    this.cuts.push(() => {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    });
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  }
}

describe('a database that hangs instead of refusing', () => {
  let database: TestDatabase;
  let relay: HangingRelay;
  let t: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    database = await createTestDatabase();
    const direct = new URL(database.url);
    relay = await HangingRelay.start(direct);
    const relayed = new URL(database.url);
    relayed.host = `127.0.0.1:${relay.port}`;
    t = await startTestApp({
      DATABASE_URL: relayed.toString(),
      DB_CONNECT_TIMEOUT_SECONDS: '1',
      DB_QUERY_TIMEOUT_SECONDS: '1',
    });
    user = await createUser(t);
  });
  afterAll(async () => {
    await relay.close();
    await t.close();
    await database.drop();
  });

  const get = (path: string) =>
    t.http
      .get(path)
      .set(...bearer(user))
      .timeout(REQUEST_LIMIT_MS);

  it('answers 503 and "Temporarily unavailable" while it hangs, and recovers by itself', async () => {
    const chat = await ChatClient.connect(t.baseUrl, user.token);
    try {
      // Every pooled connection is open, so each is in use when the database stops answering.
      await Promise.all(Array.from({ length: POOL_SIZE }, () => get('/user/all').expect(200)));
      relay.hang();

      chat.send({ message: 'during the hang', client_id: 'hang-1' });
      // More requests than the pool holds: each connection opened before the hang times out.
      const during = await Promise.all(
        Array.from({ length: POOL_SIZE + 2 }, (_, i) =>
          get(i % 2 ? '/user/all' : '/routers/last_messages'),
        ),
      );
      for (const response of during) {
        expect(response.status).toBe(503);
        expect(response.body).toEqual({ detail: 'Service unavailable' });
      }
      await t.http.get('/health/ready').timeout(REQUEST_LIMIT_MS).expect(503);
      await chat.next(
        (frame) =>
          frame.event === 'send user message' && frame.message === 'Temporarily unavailable',
        '"Temporarily unavailable" for the message sent during the hang',
      );

      relay.recover();
      // No connection that timed out comes back from the pool: every request works again.
      for (let i = 0; i < 2 * POOL_SIZE; i++) {
        await get(i % 2 ? '/user/all' : '/routers/last_messages').expect(200);
      }
      chat.send({ message: 'after the hang', client_id: 'hang-2' });
      const [stored] = await chat.messages(1);
      expect(stored).toMatchObject({ message: 'after the hang', client_id: 'hang-2' });
    } finally {
      chat.close();
    }
  });
});

describe('database timeouts', () => {
  let database: TestDatabase;
  const sources: DataSource[] = [];
  const open = async (options: DataSourceOptions) => {
    const source = await new DataSource(options).initialize();
    sources.push(source);
    return source;
  };

  beforeAll(async () => (database = await createTestDatabase()));
  afterAll(async () => {
    for (const source of sources) await source.destroy();
    await database.drop();
  });

  it('cuts off a long statement on the server, as a 503', async () => {
    const options = dataSourceOptions(database.url);
    const timeouts = poolOptions({ connectTimeoutMs: 1_000, queryTimeoutMs: 1_000 });
    const server = await open({ ...options, extra: { ...options.extra, ...timeouts } });
    expect(await server.query('SHOW statement_timeout')).toEqual([{ statement_timeout: '1s' }]);
    const error = await server.query('SELECT pg_sleep(3)').catch((e: unknown) => e);
    expect(error).toMatchObject({ driverError: { code: '57014' } });
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it("runs the server's statements without JIT compilation", async () => {
    const options = dataSourceOptions(database.url);
    const timeouts = poolOptions({ connectTimeoutMs: 1_000, queryTimeoutMs: 1_000 });
    const server = await open({ ...options, extra: { ...options.extra, ...timeouts } });
    expect(await server.query('SHOW jit')).toEqual([{ jit: 'off' }]);
  });

  it('leaves migrations and the TypeORM CLI without a statement timeout', async () => {
    const migrations = await open(dataSourceOptions(database.url));
    expect(await migrations.query('SHOW statement_timeout')).toEqual([{ statement_timeout: '0' }]);
  });
});
