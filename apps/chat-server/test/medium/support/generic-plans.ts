import { Client } from 'pg';
import { PreparedStatements } from '@chat/database';
import { MediumModule } from './medium-module';

/** A node of EXPLAIN's JSON plan. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Rows Removed by Filter'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** A parameter as an SQL literal: arrays as PostgreSQL array text. */
function literal(client: Client, value: unknown): string {
  if (value === null) return 'NULL';
  if (!Array.isArray(value)) return client.escapeLiteral(String(value));
  const element = (item: unknown) =>
    item === null ? 'NULL' : `"${String(item).replace(/["\\]/g, '\\$&')}"`;
  return client.escapeLiteral(`{${value.map(element).join(',')}}`);
}

/**
 * The plan of the one statement `run` sent, as PostgreSQL runs it from the pool (a generic plan),
 * executed in a transaction that is rolled back.
 */
export async function genericPlans(
  m: MediumModule,
  run: () => Promise<unknown>,
): Promise<PlanNode[]> {
  const spy = jest.spyOn(PreparedStatements.prototype, 'query');
  let statements: [string, unknown[]][];
  try {
    await run();
    statements = [...spy.mock.calls];
  } finally {
    spy.mockRestore();
  }
  expect(statements).toHaveLength(1);
  const client = new Client({ connectionString: m.config.databaseUrl });
  await client.connect();
  const plans: PlanNode[] = [];
  try {
    await client.query('SET plan_cache_mode = force_generic_plan');
    for (const [sql, parameters] of statements) {
      await client.query('BEGIN');
      // Prepared, as the repository's statements are: EXPLAIN with bound parameters would plan
      // for their values, never generically.
      await client.query(`PREPARE under_test AS ${sql}`);
      const values = parameters.map((value) => literal(client, value));
      const { rows } = await client.query(
        `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE under_test${values.length ? `(${values.join(', ')})` : ''}`,
      );
      await client.query('ROLLBACK');
      await client.query('DEALLOCATE under_test');
      plans.push(rows[0]['QUERY PLAN'][0].Plan);
    }
  } finally {
    await client.end();
  }
  return plans;
}

/** The node types that read `relation` in `plan`, in plan order. */
export function relationScans(plan: PlanNode, relation: string): string[] {
  const scans: string[] = [];
  const walk = (node: PlanNode): void => {
    if (node['Relation Name'] === relation) scans.push(node['Node Type']);
    node.Plans?.forEach(walk);
  };
  walk(plan);
  return scans;
}

/** The rows the executed nodes reading `relation` returned or filtered out, over all their loops. */
export function rowsRead(plan: PlanNode, relation: string): number {
  let rows = 0;
  const walk = (node: PlanNode): void => {
    if (node['Relation Name'] === relation) {
      rows +=
        ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) *
        (node['Actual Loops'] ?? 0);
    }
    node.Plans?.forEach(walk);
  };
  walk(plan);
  return rows;
}
