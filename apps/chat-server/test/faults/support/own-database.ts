import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabase } from '@chat/database';
import { freePort } from '../../support/server-processes';
import { startTestApp, TestApp } from '../../support/test-app';

/** A test app on an embedded PostgreSQL of its own, which a fault test may stop or freeze. */
export interface AppOnOwnDatabase {
  t: TestApp;
  database: EmbeddedDatabase;
  /** The folder holding the database (its data directory is `<dir>/postgres`). */
  dir: string;
  close(): Promise<void>;
}

/** Starts one, with message rate limits lifted for the load; `variables` add to the settings. */
export async function startAppOnOwnDatabase(
  folderPrefix: string,
  variables: Record<string, string> = {},
): Promise<AppOnOwnDatabase> {
  const dir = await mkdtemp(join(tmpdir(), folderPrefix));
  const database = new EmbeddedDatabase(dir, await freePort());
  const t = await startTestApp({
    DATABASE_URL: await database.start(),
    MIGRATE_ON_START: 'true',
    MESSAGE_RATE_LIMIT: '1000',
    MESSAGE_RATE_BURST: '1000',
    ...variables,
  });
  return {
    t,
    database,
    dir,
    close: async () => {
      await t.close();
      await database.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
