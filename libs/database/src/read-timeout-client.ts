import { Logger } from '@nestjs/common';
import { Client, ClientConfig } from 'pg';

/** The error pg gives a query that outlived query_timeout (its only mark is the message). */
const READ_TIMEOUT_MESSAGE = 'Query read timeout';

/**
 * A pg client that ends itself when a query outlives query_timeout. pg answers such a query with
 * an error but leaves it on the wire as the connection's active query, and TypeORM's query runners
 * release their connection to the pool without the error, so the pool would lend out a connection
 * still waiting on a server that does not answer. end() closes the socket at once (a query is
 * still active) and marks the client as ending, which makes the pool drop it on release.
 *
 * PreparedStatements releases its client with the error, which already removes it from the pool;
 * for its statements this is only a second guard.
 *
 * It also always listens for 'error'. pg reports a connection's failure to the statement it fails,
 * or to the pool while the connection is idle, but not in between: the pool hands a new
 * connection over at its startup's ReadyForQuery, and a FATAL read in the same chunk (a server
 * stopping, pg_terminate_backend) is emitted before the borrower can listen. An 'error' event
 * nobody hears ends the process; here it is logged, and the connection's next statement fails
 * as the database being unavailable.
 */
export class ReadTimeoutClient extends Client {
  private static readonly logger = new Logger('Database');

  constructor(config?: string | ClientConfig) {
    super(config);
    this.on('error', (error: Error) =>
      ReadTimeoutClient.logger.warn(`A database connection failed: ${error.message}`),
    );
  }

  // The overloads of Client.query, passed through as they are.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = (super.query as (...args: any[]) => unknown)(...args);
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        if ((error as Error | undefined)?.message === READ_TIMEOUT_MESSAGE) void this.end();
      });
    }
    return result;
  }
}
