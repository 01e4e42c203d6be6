import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Realtime watermarks per group, reported by collectors with their cycle stats: all realtime
 * samples of the group's entities are written up to `written_up_to`. Keyed by the group count too,
 * because a membership change re-deals the entities over a new count; the rows of older counts stay
 * valid lower bounds. A new owner backfills from them, so a collector that died with a full write
 * buffer leaves its watermarks behind (issue 16, item 14).
 */
export class RealtimeWatermarks1764940000000 implements MigrationInterface {
  name = 'RealtimeWatermarks1764940000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE realtime_watermark (
        vcenter_id uuid NOT NULL REFERENCES vcenter (id) ON DELETE CASCADE,
        group_count integer NOT NULL CHECK (group_count > 0),
        group_index integer NOT NULL CHECK (group_index >= 0 AND group_index < group_count),
        written_up_to timestamptz NOT NULL,
        reported_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (vcenter_id, group_count, group_index)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE realtime_watermark');
  }
}
