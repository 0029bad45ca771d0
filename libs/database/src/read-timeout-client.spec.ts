import { once } from 'node:events';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { Pool } from 'pg';
import { isDatabaseUnavailable } from './postgres-errors';
import { ReadTimeoutClient } from './read-timeout-client';

/** One message of PostgreSQL's wire protocol: its type byte, its length, its body. */
function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0);
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

const AUTHENTICATION_OK = message('R', Buffer.alloc(4));
const BACKEND_KEY = message('K', Buffer.alloc(8));
const READY_FOR_QUERY = message('Z', Buffer.from('I'));
const TERMINATING = message(
  'E',
  Buffer.from('SFATAL\0C57P01\0Mterminating connection due to administrator command\0\0'),
);

/**
 * A server that ends each connection just as it is ready: the startup's last message and the
 * FATAL of a backend told to stop (pg_ctl stop, pg_terminate_backend) arrive in one read.
 */
async function stoppingServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket: Socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () =>
      socket.end(Buffer.concat([AUTHENTICATION_OK, BACKEND_KEY, READY_FOR_QUERY, TERMINATING])),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

describe('ReadTimeoutClient', () => {
  it('does not let a connection ended as it opens end the process: its statement finds the database unavailable', async () => {
    const { server, port } = await stoppingServer();
    const pool = new Pool({
      Client: ReadTimeoutClient,
      host: '127.0.0.1',
      port,
      user: 'chat',
      ssl: false,
    });
    pool.on('error', () => undefined); // as TypeORM's pool handler does
    try {
      // pg hands the connection over at its ReadyForQuery and reads the FATAL in the same turn,
      // before the borrower can listen: an unheard 'error' event there would fail this test.
      const client = await pool.connect();
      let failure: unknown;
      try {
        failure = await client.query('SELECT 1').catch((error: unknown) => error);
      } finally {
        client.release();
      }
      expect(failure).toBeInstanceOf(Error);
      // Answered as 503 Service unavailable, not as a server error.
      expect(isDatabaseUnavailable(failure)).toBe(true);
      // Released without an error, it is still not lent out again.
      expect(pool.totalCount).toBe(0);
    } finally {
      await pool.end();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
