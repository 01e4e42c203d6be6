/** Anything that runs SQL: a TypeORM DataSource, QueryRunner or EntityManager, or a pg client. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface MonthlyPartition {
  name: string;
  /** First instant of the month, UTC. */
  from: Date;
  /** First instant of the next month, UTC. */
  to: Date;
}

export interface PartitionPlan {
  create: MonthlyPartition[];
  drop: string[];
}

export interface PartitionPolicy {
  /** Months after the current one that must already have a partition. */
  monthsAhead: number;
  /** Whole months before the current one to keep; older partitions are dropped. */
  retentionMonths: number;
  now?: Date;
}

function monthStart(year: number, month: number): Date {
  return new Date(Date.UTC(year, month, 1));
}

/** The partition of `table` that holds the month starting at `from`: `<table>_pYYYYMM`. */
export function monthlyPartition(table: string, from: Date): MonthlyPartition {
  const year = from.getUTCFullYear();
  const month = from.getUTCMonth();
  return {
    name: `${table}_p${year}${String(month + 1).padStart(2, '0')}`,
    from: monthStart(year, month),
    to: monthStart(year, month + 1),
  };
}

/**
 * Which monthly partitions to create and drop so that the current month and `monthsAhead` after it
 * exist and none older than `retentionMonths` before the current month remain. Only partitions
 * named by this scheme are considered.
 */
export function planMonthlyPartitions(
  table: string,
  existing: string[],
  policy: PartitionPolicy,
): PartitionPlan {
  const now = policy.now ?? new Date();
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const have = new Set(existing);
  const create: MonthlyPartition[] = [];
  for (let ahead = 0; ahead <= policy.monthsAhead; ahead++) {
    const partition = monthlyPartition(table, monthStart(year, month + ahead));
    if (!have.has(partition.name)) create.push(partition);
  }
  const oldestKept = monthlyPartition(table, monthStart(year, month - policy.retentionMonths)).name;
  const pattern = new RegExp(`^${table}_p\\d{6}$`);
  // Names sort in time order because the year and month are zero-padded.
  const drop = existing.filter((name) => pattern.test(name) && name < oldestKept).sort();
  return { create, drop };
}

/**
 * Creates `partition` of `table` unless it exists. Bounds are written in UTC so that the session
 * time zone cannot shift them.
 */
export async function createMonthlyPartition(
  db: SqlRunner,
  table: string,
  partition: MonthlyPartition,
): Promise<void> {
  await db.query(
    `CREATE TABLE IF NOT EXISTS "${partition.name}" PARTITION OF "${table}"
       FOR VALUES FROM ('${partition.from.toISOString()}') TO ('${partition.to.toISOString()}')`,
  );
}

/**
 * Creates and drops monthly range partitions of `table` (declared `PARTITION BY RANGE (<timestamptz
 * column>)`) according to the policy, and returns what it did.
 */
export async function maintainMonthlyPartitions(
  db: SqlRunner,
  table: string,
  policy: PartitionPolicy,
): Promise<PartitionPlan> {
  const result = await db.query(
    `SELECT child.relname AS name
       FROM pg_inherits
       JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
       JOIN pg_class child ON child.oid = pg_inherits.inhrelid
      WHERE parent.oid = $1::regclass`,
    [table],
  );
  // TypeORM returns the rows, a pg client a result object holding them.
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { name: string }[];
  const plan = planMonthlyPartitions(
    table,
    rows.map((row) => row.name),
    policy,
  );
  for (const partition of plan.create) await createMonthlyPartition(db, table, partition);
  for (const name of plan.drop) await db.query(`DROP TABLE IF EXISTS "${name}"`);
  return plan;
}
