import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, Migration, QueryRunner } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/** The advisory lock key the migrations run under (any constant no other code takes). */
const MIGRATIONS_LOCK = 1_764_280_000;
/** How often an instance waiting for another's migrations tries the lock again. */
const LOCK_RETRY_MS = 250;

/**
 * Applies the pending migrations of the database at `url`, on connections of their own, holding a
 * session advisory lock meanwhile. Instances starting together (MIGRATE_ON_START) then apply them
 * one after the other, the later ones finding none pending, rather than racing to create the same
 * tables, or one dropping as invalid the index another is building CONCURRENTLY: TypeORM takes no
 * lock of its own. The migrations applied.
 *
 * The lock is tried, not waited for: a session blocked in pg_advisory_lock holds a snapshot, which
 * a CREATE INDEX CONCURRENTLY of the instance holding the lock would wait for, forever.
 */
export async function migrateDatabase(url: string): Promise<Migration[]> {
  const dataSource = await new DataSource(dataSourceOptions(url)).initialize();
  try {
    // Its own connection, idle while it holds the lock.
    const lock = dataSource.createQueryRunner();
    await lock.connect();
    try {
      while (!(await tryLock(lock))) await sleep(LOCK_RETRY_MS);
      return await dataSource.runMigrations();
    } finally {
      await lock.release();
    }
  } finally {
    // Closing the connections ends the lock's session, and with it the lock.
    await dataSource.destroy();
  }
}

async function tryLock(lock: QueryRunner): Promise<boolean> {
  const [{ locked }] = await lock.query('SELECT pg_try_advisory_lock($1) AS locked', [
    MIGRATIONS_LOCK,
  ]);
  return locked;
}
