import { ReadTimeoutClient } from './read-timeout-client';

export interface DatabaseTimeouts {
  connectTimeoutMs: number;
  queryTimeoutMs: number;
}

/**
 * The client-side read timeout is this much longer than statement_timeout: a server that runs
 * answers first with its own error (57014); one that does not answer at all (stopped, cut off) is
 * given up by the client.
 */
const READ_TIMEOUT_MARGIN_MS = 1_000;
/** A transaction left idle this long (a stuck client) is ended by the server, freeing its locks. */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;
/** TCP keepalive on every connection, so a vanished host is noticed even on idle connections. */
const KEEPALIVE_DELAY_MS = 10_000;
/**
 * Idle connections are kept (pg closes them after 10 s by default). A new PostgreSQL backend's
 * first insert of messages takes about 20 ms (compiling the insert function, planning its
 * statements, loading the search dictionary) against under 1 ms after: with connections closed in
 * each lull and opened again in the next burst, rooms bench steps had stalls of 50 to 160 ms
 * (p99 61 and 69 ms at 1,120 msg/s; 20 ms with them kept). The pool holds `max` at most; one that
 * fails is dropped as before.
 */
const IDLE_TIMEOUT_MS = 0;
/**
 * Each connection is replaced after this long all the same (once idle), so that after a failover
 * or a DNS change the pool moves to the new server, and a backend's memory is given back.
 */
const MAX_LIFETIME_SECONDS = 1_800;

/**
 * The pg pool options of the server's data source. Migrations and the TypeORM CLI run without
 * them (dataSourceOptions alone): a long migration must not hit a statement timeout.
 */
export function poolOptions(timeouts: DatabaseTimeouts) {
  return {
    Client: ReadTimeoutClient,
    // Also bounds the wait for a free pooled connection.
    connectionTimeoutMillis: timeouts.connectTimeoutMs,
    statement_timeout: timeouts.queryTimeoutMs,
    query_timeout: timeouts.queryTimeoutMs + READ_TIMEOUT_MARGIN_MS,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    // Every statement here is short: JIT compilation costs more than it saves. A batch (the rooms
    // of 500 users signing in) priced from missing statistics was compiled for up to 400 ms.
    options: '-c jit=off',
    idleTimeoutMillis: IDLE_TIMEOUT_MS,
    maxLifetimeSeconds: MAX_LIFETIME_SECONDS,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
  };
}
