const UNIQUE_VIOLATION = '23505';

/**
 * A failure's code: PostgreSQL's SQLSTATE or Node's (ECONNRESET...), on pg's error or on the pg
 * error TypeORM's QueryFailedError wraps.
 */
export function codeOf(error: unknown): string | undefined {
  const failure = error as { code?: unknown; driverError?: { code?: unknown } } | null | undefined;
  const code = failure?.driverError?.code ?? failure?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  return codeOf(error) === UNIQUE_VIOLATION;
}

/**
 * Errors that mean the database cannot serve right now (refused, dropped or hung connections,
 * PostgreSQL shutting down or starting, a statement cut off by a timeout): the client may retry,
 * so 503 rather than 500.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57014', // query_canceled: statement_timeout
  '25P03', // idle_in_transaction_session_timeout
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08006', // connection_failure
]);

/**
 * pg's own errors carry no code, only these messages: a dropped connection, a connection not made
 * within connectionTimeoutMillis, no pooled connection free within it, no answer within
 * query_timeout, and a statement sent on a connection that failed or was closed since it was
 * handed out.
 */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|is not queryable/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined && UNAVAILABLE_CODES.has(code)) return true;
  return UNAVAILABLE_MESSAGE.test(
    (error as { message?: string } | null | undefined)?.message ?? '',
  );
}

/**
 * An answer from PostgreSQL itself (a SQLSTATE: a constraint, bad data) that does not say the
 * server is going away: the connection that carried the statement is still sound. A FATAL or
 * PANIC ends the server process, whatever its code (a proxy's 08P01 among them). pg passes the
 * severity as the server's localized text: under another lc_messages a FATAL is told by its
 * code only, and the pool drops the connection once it closes.
 */
export function isRefusedByPostgres(error: unknown): boolean {
  const code = codeOf(error);
  const severity = (error as { severity?: unknown } | null | undefined)?.severity;
  return (
    code !== undefined &&
    /^[0-9A-Z]{5}$/.test(code) &&
    severity !== 'FATAL' &&
    severity !== 'PANIC' &&
    !isDatabaseUnavailable(error)
  );
}
