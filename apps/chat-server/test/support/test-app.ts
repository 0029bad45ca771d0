import { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { AppConfig, validateEnvironment } from '@chat/config';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/configure-app';
import { ChatHttpAdapter } from '../../src/http-adapter';
import { createTestDatabase } from './test-database';

export interface TestApp {
  app: NestExpressApplication;
  http: TestAgent;
  baseUrl: string;
  databaseUrl: string;
  avatarDir: string;
  db: DataSource;
  close(): Promise<void>;
}

export const TEST_ADMIN = { name: 'test-admin', password: 'test-admin-password' };

/** Test defaults: fast hashing, no rate limit unless a test sets one, quiet logs, one admin. */
const TEST_VARIABLES = {
  ADMIN_NAME: TEST_ADMIN.name,
  ADMIN_PASSWORD: TEST_ADMIN.password,
  NODE_ENV: 'test',
  BCRYPT_COST: '4',
  AUTH_RATE_LIMIT: '100000',
  LOGIN_ACCOUNT_RATE_LIMIT: '100000',
  PROFILE_UPDATE_RATE_LIMIT: '100000',
  MESSAGE_CHANGE_RATE_BURST: '100000',
  READ_MARKER_RATE_BURST: '100000',
  SEARCH_RATE_BURST: '100000',
  REPORT_RATE_BURST: '100000',
  MODERATION_RATE_BURST: '100000',
  LOG_LEVEL: 'fatal',
  MIGRATE_ON_START: 'false',
};

/**
 * The real application on a random loopback port, on a database of its own, or on the database
 * of `sharedWith` to act as a second instance of the same deployment.
 */
export async function startTestApp(
  variables: Record<string, string> = {},
  sharedWith?: TestApp,
): Promise<TestApp> {
  const avatarDir = sharedWith?.avatarDir ?? (await mkdtemp(join(tmpdir(), 'chat-avatars-')));
  const database = sharedWith
    ? { url: sharedWith.databaseUrl, drop: async () => undefined }
    : await createTestDatabase();
  const config = new AppConfig(
    validateEnvironment({
      ...TEST_VARIABLES,
      DATABASE_URL: database.url,
      AVATAR_DIR: avatarDir,
      ...variables,
    }),
  );
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(AppConfig)
    .useValue(config)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>(new ChatHttpAdapter());
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const baseUrl = await app.getUrl();
  return {
    app,
    http: request(baseUrl),
    baseUrl,
    databaseUrl: database.url,
    avatarDir,
    db: app.get(DataSource),
    close: async () => {
      await app.close();
      await database.drop();
      if (!sharedWith) await rm(avatarDir, { recursive: true, force: true });
    },
  };
}
