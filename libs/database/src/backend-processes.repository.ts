import { Injectable } from '@nestjs/common';
import { PreparedStatements } from './prepared-statements.service';

/** PostgreSQL's own server processes (pg_stat_activity), not a table of ours. */
@Injectable()
export class BackendProcessesRepository {
  constructor(private readonly sql: PreparedStatements) {}

  /** Whether any of these server processes (see backendPidOf) still runs. */
  async anyRunning(pids: number[]): Promise<boolean> {
    const { rows } = await this.sql.query<{ running: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1::int[])) AS running',
      [pids],
    );
    return rows[0].running;
  }
}
