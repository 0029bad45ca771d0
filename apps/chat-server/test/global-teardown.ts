import { Client } from 'pg';
import { TEST_ENV } from './support/test-env';

export default async function globalTeardown(): Promise<void> {
  const admin = new Client({ connectionString: process.env[TEST_ENV.serverUrl] });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${process.env[TEST_ENV.template]}`);
  } finally {
    await admin.end();
  }
  await globalThis.embeddedTestDatabase?.stop();
}
