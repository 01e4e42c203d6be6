import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/support/postgres';
import {
  createMonthlyPartition,
  dropExpiredMonthlyPartitions,
  maintainMonthlyPartitions,
  monthlyPartition,
} from './partitions';

describe('maintainMonthlyPartitions on PostgreSQL', () => {
  let database: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new Client({ connectionString: database.url });
    await client.connect();
    // A session time zone far from UTC: partition bounds must still be whole UTC months.
    await client.query("SET TIME ZONE 'Pacific/Auckland'");
    await client.query(
      'CREATE TABLE sample (taken_at timestamptz NOT NULL, value int) PARTITION BY RANGE (taken_at)',
    );
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  async function partitions(): Promise<string[]> {
    const result = await client.query<{ name: string }>(
      "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'sample'::regclass ORDER BY 1",
    );
    return result.rows.map((row) => row.name);
  }

  it('creates the current month and the months ahead, bounded in UTC', async () => {
    const plan = await maintainMonthlyPartitions(client, 'sample', {
      monthsAhead: 2,
      retentionMonths: 1,
      now: new Date('2026-11-23T10:00:00Z'),
    });
    expect(plan.create.map((p) => p.name)).toEqual(['sample_p202611', 'sample_p202612', 'sample_p202701']);
    expect(await partitions()).toEqual(['sample_p202611', 'sample_p202612', 'sample_p202701']);

    await client.query("INSERT INTO sample VALUES ('2026-11-30T23:59:59Z', 1), ('2026-12-01T00:00:00Z', 2)");
    const placed = await client.query<{ partition: string; value: number }>(
      'SELECT tableoid::regclass::text AS partition, value FROM sample ORDER BY value',
    );
    expect(placed.rows).toEqual([
      { partition: 'sample_p202611', value: 1 },
      { partition: 'sample_p202612', value: 2 },
    ]);
  });

  it('is idempotent and drops months older than the retention with their rows', async () => {
    const again = await maintainMonthlyPartitions(client, 'sample', {
      monthsAhead: 2,
      retentionMonths: 1,
      now: new Date('2026-11-23T10:00:00Z'),
    });
    expect(again).toEqual({ create: [], drop: [] });

    const later = await maintainMonthlyPartitions(client, 'sample', {
      monthsAhead: 2,
      retentionMonths: 1,
      now: new Date('2027-01-05T00:00:00Z'),
    });
    expect(later.drop).toEqual(['sample_p202611']);
    expect(later.create.map((p) => p.name)).toEqual(['sample_p202702', 'sample_p202703']);
    expect(await partitions()).toEqual([
      'sample_p202612',
      'sample_p202701',
      'sample_p202702',
      'sample_p202703',
    ]);
    const left = await client.query<{ value: number }>('SELECT value FROM sample');
    expect(left.rows).toEqual([{ value: 2 }]);
  });

  it('refuses rows for a month that has no partition, rather than losing them silently', async () => {
    await expect(client.query("INSERT INTO sample VALUES ('2025-01-01T00:00:00Z', 3)")).rejects.toThrow(
      /no partition of relation "sample" found for row/,
    );
  });

  it('lets two transactions create the same partition at once: the second waits, then finds it', async () => {
    const other = new Client({ connectionString: database.url });
    await other.connect();
    const advisoryLocks = async (granted: boolean): Promise<number> =>
      (
        await client.query<{ n: number }>(
          // Only this test's database: other suites' apps hold advisory locks on the same server.
          `SELECT count(*)::int AS n FROM pg_locks
            WHERE locktype = 'advisory' AND granted = $1
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          [granted],
        )
      ).rows[0].n;
    try {
      await client.query('BEGIN');
      await other.query('BEGIN');
      // An existing partition is not waited for: no lock.
      await createMonthlyPartition(
        other,
        'sample',
        monthlyPartition('sample', new Date('2027-03-15T00:00:00Z')),
      );
      expect(await advisoryLocks(true)).toBe(0);

      const april = monthlyPartition('sample', new Date('2027-04-15T00:00:00Z'));
      await createMonthlyPartition(client, 'sample', april);
      const second = createMonthlyPartition(other, 'sample', april);
      while ((await advisoryLocks(false)) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      await client.query('COMMIT');
      await second;
      await other.query('COMMIT');
      expect(await partitions()).toContain('sample_p202704');
    } finally {
      await other.end();
    }
  });

  it('drops only the months that end before the cut', async () => {
    expect(await dropExpiredMonthlyPartitions(client, 'sample', new Date('2027-02-01T00:00:00Z'))).toEqual([
      'sample_p202612',
      'sample_p202701',
    ]);
    expect(await partitions()).toEqual(['sample_p202702', 'sample_p202703', 'sample_p202704']);
  });
});
