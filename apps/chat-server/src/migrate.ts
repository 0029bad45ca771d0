// Applies pending migrations and exits: the deployment runs it once before the replicas start
// (they run with MIGRATE_ON_START=false). `node dist/apps/chat-server/apps/chat-server/src/migrate.js`
import { AppConfig, validateEnvironment } from '@chat/config';
import { migrateDatabase } from '@chat/database';

async function migrate(): Promise<void> {
  const config = new AppConfig(validateEnvironment(process.env));
  if (!config.databaseUrl) throw new Error('Set DATABASE_URL to the database to migrate');
  const applied = await migrateDatabase(config.databaseUrl);
  console.log(
    `Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ') || 'none pending'}`,
  );
}

migrate().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
