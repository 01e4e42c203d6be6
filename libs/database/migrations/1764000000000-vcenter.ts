import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Vcenter1764000000000 implements MigrationInterface {
  name = 'Vcenter1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE vcenter (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        sdk_url text NOT NULL,
        username text NOT NULL,
        password_enc text NOT NULL CHECK (password_enc LIKE 'enc:v1:%'),
        tls_insecure boolean NOT NULL DEFAULT false,
        tls_ca_file text,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE vcenter');
  }
}
