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
  const keepFrom = monthStart(year, month - policy.retentionMonths);
  return { create, drop: expiredMonthlyPartitions(table, existing, keepFrom) };
}

/**
 * The partitions among `existing` (named by this scheme) whose whole month ends at or before
 * `keepFrom`, oldest first: dropping them removes no row from `keepFrom` on.
 */
export function expiredMonthlyPartitions(table: string, existing: string[], keepFrom: Date): string[] {
  const pattern = new RegExp(`^${table}_p(\\d{4})(\\d{2})$`);
  return existing
    .filter((name) => {
      const match = pattern.exec(name);
      // Month numbers in names count from 1, Date's from 0: this is the first instant after the month.
      return match !== null && monthStart(Number(match[1]), Number(match[2])) <= keepFrom;
    })
    .sort();
}

/**
 * Creates `partition` of `table` unless it exists. Bounds are written in UTC so that the session
 * time zone cannot shift them. Sessions creating the same partition at once would collide on the
 * catalogue's unique keys, so a missing partition is created under an advisory lock held to the end
 * of the caller's transaction (call it inside one): the later sessions wait, then find it made.
 * An existing partition takes no lock, so transactions that merely write to it do not queue.
 */
export async function createMonthlyPartition(
  db: SqlRunner,
  table: string,
  partition: MonthlyPartition,
): Promise<void> {
  const [{ missing }] = rowsOf<{ missing: boolean }>(
    await db.query('SELECT to_regclass($1) IS NULL AS missing', [`"${partition.name}"`]),
  );
  if (!missing) return;
  await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `vcc.partition:${partition.name}`,
  ]);
  await db.query(
    `CREATE TABLE IF NOT EXISTS "${partition.name}" PARTITION OF "${table}"
       FOR VALUES FROM ('${partition.from.toISOString()}') TO ('${partition.to.toISOString()}')`,
  );
}

/** TypeORM returns the rows, a pg client a result object holding them. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
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
  const plan = planMonthlyPartitions(table, await listPartitions(db, table), policy);
  for (const partition of plan.create) await createMonthlyPartition(db, table, partition);
  for (const name of plan.drop) await db.query(`DROP TABLE IF EXISTS "${name}"`);
  return plan;
}

/**
 * Drops the monthly partitions of `table` that end at or before `keepFrom` (see
 * expiredMonthlyPartitions) and returns their names. Creating partitions ahead is the controller's
 * job; this is retention's.
 */
export async function dropExpiredMonthlyPartitions(
  db: SqlRunner,
  table: string,
  keepFrom: Date,
): Promise<string[]> {
  const expired = expiredMonthlyPartitions(table, await listPartitions(db, table), keepFrom);
  for (const name of expired) await db.query(`DROP TABLE IF EXISTS "${name}"`);
  return expired;
}

/** The names of the partitions of `table`. */
export async function listPartitions(db: SqlRunner, table: string): Promise<string[]> {
  const result = await db.query(
    `SELECT child.relname AS name
       FROM pg_inherits
       JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
       JOIN pg_class child ON child.oid = pg_inherits.inhrelid
      WHERE parent.oid = $1::regclass`,
    [table],
  );
  return rowsOf<{ name: string }>(result).map((row) => row.name);
}
