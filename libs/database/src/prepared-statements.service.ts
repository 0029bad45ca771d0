import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { QueryResult, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import { poolOf } from './database-pool';
import { isRefusedByPostgres } from './postgres-errors';

/**
 * Parameterised SQL straight on the pg pool TypeORM opened, for the repositories' statements: the
 * hot paths (storing and reading messages, checking sessions) and whatever TypeORM's Repository API
 * cannot say plainly. TypeORM's dataSource.query builds a QueryRunner for every call, and at chat rates
 * those kept much of each request alive past V8's young generation: scavenges took about 10 ms
 * instead of 0.5 ms, the tail of every history page.
 *
 * Every statement is prepared once per connection under a name of its own, so PostgreSQL does not
 * parse and plan it again on each call. That is why the SQL text must be one of a fixed set of
 * shapes, with every value in `parameters`: each distinct text stays prepared on each connection.
 * The name is derived from the text, so two instances (as in tests) name a statement the same way
 * on the shared connections.
 */
@Injectable()
export class PreparedStatements {
  private readonly names = new Map<string, string>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Runs one statement on a pooled connection. A failed statement's error carries `backendPid`,
   * the server process that ran it (see backendPidOf). Its connection is closed rather than reused
   * unless PostgreSQL itself refused the statement.
   */
  async query<Row extends QueryResultRow>(
    sql: string,
    parameters: unknown[],
  ): Promise<QueryResult<Row>> {
    const client = await poolOf(this.dataSource).connect();
    // The connection's own failure also rejects the statement, handled below; as pool.query does,
    // listen for it meanwhile, since an 'error' event nobody listens to ends the process.
    client.on('error', ignore);
    try {
      const result = await client.query<Row>({
        name: this.nameOf(sql),
        text: sql,
        values: parameters,
      });
      client.release();
      return result;
    } catch (error) {
      // A statement PostgreSQL refused (a constraint, bad data) leaves its connection sound, with
      // every statement still prepared on it; only a failure of the connection closes it.
      client.release(
        isRefusedByPostgres(error) ? undefined : error instanceof Error ? error : true,
      );
      const backendPid = (client as unknown as { processID: number | null }).processID;
      if (error instanceof Error) Object.assign(error, { backendPid });
      throw error;
    } finally {
      client.off('error', ignore);
    }
  }

  private nameOf(sql: string): string {
    let name = this.names.get(sql);
    if (name === undefined) {
      name = `chat_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
      this.names.set(sql, name);
    }
    return name;
  }
}

function ignore(): void {}

/**
 * The server process that ran a statement PreparedStatements reports as failed, or null when it was
 * never sent (no connection could be had). A statement whose answer was lost may still commit for as
 * long as that process lives.
 */
export function backendPidOf(error: unknown): number | null {
  const pid = (error as { backendPid?: unknown } | null)?.backendPid;
  return typeof pid === 'number' ? pid : null;
}
