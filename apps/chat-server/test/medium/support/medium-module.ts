import { DynamicModule, Global, Module, Type } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { AppConfig, validateEnvironment } from '@chat/config';
import { DatabaseModule } from '@chat/database';
import { ChatEvent, EventBus, EventsModule } from '@chat/events';
import { DataSource } from 'typeorm';
import { createTestDatabase } from '../../support/test-database';

/** Fast hashing, quiet logs, no admin account made at start. */
const MEDIUM_VARIABLES = {
  NODE_ENV: 'test',
  BCRYPT_COST: '4',
  LOG_LEVEL: 'fatal',
  MIGRATE_ON_START: 'false',
  MESSAGE_CHANGE_RATE_BURST: '100000',
  READ_MARKER_RATE_BURST: '100000',
};

export interface MediumModule {
  /** A provider of the modules under test (or of their imports). */
  get<T>(type: Type<T>): T;
  /** The test database, for arranging and inspecting rows. */
  db: DataSource;
  config: AppConfig;
  /** The events published on the bus since the last call (or since the start). */
  takeEvents(): ChatEvent[];
  close(): Promise<void>;
}

/**
 * The modules a medium spec exercises, with the database module and the (in-process) event bus, on
 * a fresh database copied from the migrated template, and no HTTP server. Lifecycle hooks run (init and close) as in the app.
 * Given `sharing`, it runs on that module's database instead (a second server instance), and
 * leaves the database to it.
 */
export async function createMediumModule(
  imports: (Type | DynamicModule)[],
  variables: Record<string, string> = {},
  sharing?: MediumModule,
): Promise<MediumModule> {
  const database = sharing
    ? { url: sharing.config.databaseUrl!, drop: () => Promise.resolve() }
    : await createTestDatabase();
  const config = new AppConfig(
    validateEnvironment({ ...MEDIUM_VARIABLES, DATABASE_URL: database.url, ...variables }),
  );
  let moduleRef: TestingModule;
  try {
    moduleRef = await Test.createTestingModule({
      imports: [configModule(config), DatabaseModule, EventsModule, ...imports],
    }).compile();
    await moduleRef.init();
  } catch (error) {
    await database.drop();
    throw error;
  }
  const get = <T>(type: Type<T>) => moduleRef.get(type, { strict: false });
  const published: ChatEvent[] = [];
  get(EventBus as Type<EventBus>).subscribe((event) => published.push(event));
  return {
    get,
    db: get(DataSource),
    config,
    takeEvents: () => published.splice(0),
    close: async () => {
      await moduleRef.close();
      await database.drop();
    },
  };
}

export function uniqueName(prefix = 'user'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A private room made straight in the tables, with these members; its id. */
export async function privateRoom(db: DataSource, memberIds: number[]): Promise<number> {
  const [{ id }] = await db.query(
    `INSERT INTO rooms (kind, name) VALUES ('private', $1) RETURNING id`,
    [uniqueName('room')],
  );
  await db.query(`INSERT INTO room_members (room_id, user_id) SELECT $1, unnest($2::integer[])`, [
    id,
    memberIds,
  ]);
  return id;
}

function configModule(config: AppConfig): DynamicModule {
  @Global()
  @Module({})
  class MediumConfigModule {}
  return {
    module: MediumConfigModule,
    providers: [{ provide: AppConfig, useValue: config }],
    exports: [AppConfig],
  };
}
