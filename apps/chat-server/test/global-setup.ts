// Runs once per test run: finds a PostgreSQL server (DATABASE_URL, else an embedded one), builds a
// template database with every migration applied, and hands its name to the test workers, which
// copy it into a fresh database per test file. Path aliases do not apply here: relative imports.
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../libs/database/src/data-source-options';
import { EmbeddedDatabase } from '../../../libs/database/src/embedded-database';
import { databaseUrl, TEST_ENV } from './support/test-env';

const TEST_EMBEDDED_DIR = '.data/test';
const TEST_EMBEDDED_PORT = 54339;

declare global {
  var embeddedTestDatabase: EmbeddedDatabase | undefined;
}

export default async function globalSetup(): Promise<void> {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    globalThis.embeddedTestDatabase = new EmbeddedDatabase(TEST_EMBEDDED_DIR, TEST_EMBEDDED_PORT);
    serverUrl = await globalThis.embeddedTestDatabase.start();
  }
  const template = `chat_test_template_${process.pid}`;
  process.env[TEST_ENV.serverUrl] = serverUrl;
  process.env[TEST_ENV.template] = template;

  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.query(`CREATE DATABASE ${template}`);
  } finally {
    await admin.end();
  }
  const dataSource = new DataSource(dataSourceOptions(databaseUrl(serverUrl, template)));
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
}
