import type { Client } from 'pg';

/**
 * A fingerprint of everything in a database: the tables that exist (a new partition is a write
 * too) and an md5 of each table's rows in a stable order. Equal before and after means nothing
 * was written.
 */
export async function databaseFingerprint(db: Client): Promise<Record<string, string>> {
  const tables = (
    await db.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
    )
  ).rows.map((row) => row.name);
  const fingerprint: Record<string, string> = {};
  for (const table of tables) {
    const { rows } = await db.query<{ md5: string | null; n: number }>(
      `SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS md5, count(*)::int AS n FROM "${table}" t`,
    );
    fingerprint[table] = `${rows[0].n} rows ${rows[0].md5 ?? ''}`;
  }
  return fingerprint;
}
