import type { MigrationInterface, QueryRunner } from 'typeorm';

/** vCenter collection settings and epoch; collectors with their leases and group indices. */
export class Membership1764100000000 implements MigrationInterface {
  name = 'Membership1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE vcenter
        ADD COLUMN realtime_interval_seconds integer NOT NULL DEFAULT 60
          CHECK (realtime_interval_seconds > 0 AND realtime_interval_seconds % 20 = 0),
        ADD COLUMN historical_interval_seconds integer NOT NULL DEFAULT 300
          CHECK (historical_interval_seconds > 0 AND historical_interval_seconds % 300 = 0),
        ADD COLUMN counters jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN include_filters text[] NOT NULL DEFAULT '{}',
        ADD COLUMN exclude_filters text[] NOT NULL DEFAULT '{}',
        ADD COLUMN request_budget integer NOT NULL DEFAULT 8 CHECK (request_budget > 0),
        ADD COLUMN epoch integer NOT NULL DEFAULT 0,
        ADD COLUMN epoch_effective_from timestamptz`);
    await db.query(`
      CREATE TABLE collector (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        version text NOT NULL,
        address text,
        capacity integer NOT NULL,
        weight integer NOT NULL CHECK (weight BETWEEN 1 AND 64),
        state text NOT NULL CHECK (state IN ('active', 'draining', 'gone')),
        gone_reason text CHECK (gone_reason IN ('deregistered', 'drained', 'expired', 'replaced')),
        vcenter_id uuid REFERENCES vcenter (id) ON DELETE SET NULL,
        group_indices integer[] NOT NULL DEFAULT '{}',
        assignment jsonb,
        previous_assignment jsonb,
        drain_at timestamptz,
        registered_at timestamptz NOT NULL DEFAULT now(),
        last_heartbeat_at timestamptz NOT NULL DEFAULT now(),
        lease_expires_at timestamptz NOT NULL,
        gone_at timestamptz,
        cycle_start timestamptz,
        entities_assigned integer,
        entities_collected integer,
        points bigint,
        duration_ms integer,
        errors integer,
        CHECK ((state = 'gone') = (gone_reason IS NOT NULL))
      )`);
    // A name identifies a collector host: re-registering under a live name replaces that member.
    await db.query(`CREATE UNIQUE INDEX collector_live_name ON collector (name) WHERE state <> 'gone'`);
    await db.query(`CREATE INDEX collector_vcenter ON collector (vcenter_id) WHERE state <> 'gone'`);
    await db.query(`CREATE INDEX collector_lease ON collector (lease_expires_at) WHERE state <> 'gone'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE collector');
    await db.query(`
      ALTER TABLE vcenter
        DROP COLUMN realtime_interval_seconds, DROP COLUMN historical_interval_seconds,
        DROP COLUMN counters, DROP COLUMN include_filters, DROP COLUMN exclude_filters,
        DROP COLUMN request_budget, DROP COLUMN epoch, DROP COLUMN epoch_effective_from`);
  }
}
