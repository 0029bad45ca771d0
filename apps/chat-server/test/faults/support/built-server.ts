import { Client } from 'pg';
import {
  exitOf,
  ServerProcess,
  startBuiltServer,
  stopProcess,
} from '../../support/server-processes';
import { createTestDatabase, TestDatabase } from '../../support/test-database';

/**
 * The built server as its own process on a test database of its own: a fault test may kill it
 * (SIGKILL) and start it again on the same port, and reads its database to audit what was stored.
 */
export class BuiltServer {
  private constructor(
    private process: ServerProcess,
    private readonly database: TestDatabase,
    private readonly db: Client,
  ) {}

  static async start(): Promise<BuiltServer> {
    const database = await createTestDatabase();
    const process = await startBuiltServer(database.url);
    const db = new Client({ connectionString: database.url });
    await db.connect();
    return new BuiltServer(process, database, db);
  }

  get baseUrl(): string {
    return this.process.baseUrl;
  }

  get port(): number {
    return this.process.port;
  }

  /** Kills the process with SIGKILL; resolves with how it ended. */
  kill(): Promise<{ code: number | null; signal: string | null }> {
    this.process.server.kill('SIGKILL');
    return exitOf(this.process.server);
  }

  /** Starts the server again on its port and database. */
  async restart(): Promise<void> {
    this.process = await startBuiltServer(this.database.url, { PORT: String(this.port) });
  }

  /** The rows a query on the server's database returns. */
  readonly query = async <Row>(sql: string, parameters: unknown[]): Promise<Row[]> =>
    (await this.db.query(sql, parameters)).rows as Row[];

  async close(): Promise<void> {
    await stopProcess(this.process.server);
    await this.db.end();
    await this.database.drop();
  }
}
