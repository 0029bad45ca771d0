import { DataSource } from 'typeorm';
import { dataSourceOptions, migrateDatabase } from '@chat/database';
import { migrations } from '../../../../migrations';
import { TestDatabase } from '../support/test-database';
import { databaseMigratedWith } from './support/database-schema';

describe('migrating at start from several instances at once', () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await databaseMigratedWith([]);
  });
  afterEach(() => database.drop());

  it('applies every migration once, and every instance starts', async () => {
    const applied = await Promise.all([1, 2, 3].map(() => migrateDatabase(database.url)));
    expect(applied.map((instance) => instance.length).sort((a, b) => b - a)).toEqual([
      migrations.length,
      0,
      0,
    ]);
    const db = await new DataSource(dataSourceOptions(database.url)).initialize();
    try {
      const recorded = await db.query('SELECT name FROM migrations ORDER BY id');
      expect(recorded.map((row: { name: string }) => row.name)).toEqual(
        migrations.map((migration) => migration.name),
      );
      const invalid = await db.query(
        'SELECT indexrelid::regclass::text AS index FROM pg_index WHERE NOT indisvalid',
      );
      expect(invalid).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
