import { poolOf } from '@chat/database';
import { createMediumModule, MediumModule } from './support/medium-module';

/** The pool the server's data source really opens: DatabaseModule's options over TypeORM's own. */
describe('the database pool', () => {
  let m: MediumModule;

  beforeAll(async () => {
    m = await createMediumModule([]);
  });

  afterAll(() => m.close());

  it('keeps idle connections and replaces each after half an hour, 10 at most', () => {
    const { options } = poolOf(m.db) as unknown as {
      options: { idleTimeoutMillis: number; maxLifetimeSeconds: number; max: number };
    };
    expect(options.idleTimeoutMillis).toBe(0);
    expect(options.maxLifetimeSeconds).toBe(1_800);
    expect(options.max).toBe(10);
  });
});
