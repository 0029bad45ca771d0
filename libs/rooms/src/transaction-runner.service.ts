import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Runs one statement and gives its rows: on the pool, or inside a transaction. */
export type Sql = <Row>(text: string, parameters: unknown[]) => Promise<Row[]>;

/**
 * Transactions for membership and room changes: each locks what it changes, checks, changes, and
 * numbers the change in the room (chat_log_change) before anything commits, so a check and the
 * change it allows cannot be split by another caller, and an event's room is exactly the room at
 * its number. These are rare next to messages, so TypeORM's transaction is used rather than the
 * prepared-statement path.
 */
@Injectable()
export class TransactionRunner {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) =>
      work(async <Row>(text: string, parameters: unknown[]) => {
        const result: unknown = await manager.query(text, parameters);
        // TypeORM answers a top-level UPDATE or DELETE with [rows, rowCount].
        const rows = isUpdateResult(result) ? result[0] : result;
        return rows as Row[];
      }),
    );
  }
}

function isUpdateResult(result: unknown): result is [unknown[], number] {
  return Array.isArray(result) && Array.isArray(result[0]) && typeof result[1] === 'number';
}
