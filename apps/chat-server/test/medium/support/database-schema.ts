import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { dataSourceOptions } from '@chat/database';
import { databaseUrl, TEST_ENV } from '../../support/test-env';
import { TestDatabase } from '../../support/test-database';

/** What a schema is made of, as the catalogs describe it. */
export async function schemaOf(db: DataSource): Promise<unknown> {
  return {
    columns: await db.query(
      `SELECT table_name, column_name, ordinal_position, data_type, character_maximum_length,
              is_nullable, column_default, is_identity
         FROM information_schema.columns WHERE table_schema = 'public'
        ORDER BY table_name, ordinal_position`,
    ),
    indexes: await db.query(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`,
    ),
    constraints: await db.query(
      `SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS definition
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY conname`,
    ),
    functions: await db.query(
      `SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY proname`,
    ),
    triggers: await db.query(
      `SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname`,
    ),
    sequences: await db.query(
      `SELECT sequence_name FROM information_schema.sequences ORDER BY sequence_name`,
    ),
  };
}

/** A new database with only `migrations` applied, from nothing (not the migrated template). */
export async function databaseMigratedWith(
  migrations: DataSourceOptions['migrations'],
): Promise<TestDatabase> {
  const serverUrl = process.env[TEST_ENV.serverUrl]!;
  const name = `chat_test_${randomBytes(6).toString('hex')}`;
  const server = new Client({ connectionString: serverUrl });
  await server.connect();
  try {
    await server.query(`CREATE DATABASE ${name}`);
  } finally {
    await server.end();
  }
  const url = databaseUrl(serverUrl, name);
  const drop = async () => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };
  const db = new DataSource({ ...dataSourceOptions(url), migrations });
  try {
    await db.initialize();
    await db.runMigrations();
  } catch (error) {
    await drop();
    throw error;
  } finally {
    if (db.isInitialized) await db.destroy();
  }
  return { url, drop };
}
