import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { EventDto } from './event.dto';
import { fillRowsFromEvents, lockVmLifecycle } from './vm-lifecycle';

/** The channel ingest notifies on commit; the payload is `<vCenter id> <highest key stored>`. */
export const EVENT_CHANNEL = 'vcc_vcenter_event';
// First half of the two-key pg_advisory_xact_lock serialising event ingest per vCenter.
const INGEST_LOCK_CLASS = 1_764_630_000;

@Injectable()
export class EventRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts the events whose key the vCenter has not stored yet, in any month, fills the snapshot
   * rows they tell the creation or removal of (vm-lifecycle.ts), and notifies the stream's
   * listeners on commit; returns how many were new. The primary key of a partitioned table must
   * hold its partition key (created time), so it cannot stop two batches that carry one key with
   * different created times; a per-vCenter transaction lock does: the second batch waits, then sees
   * the first one's rows. The same lock makes a vCenter's batches commit one after the other, so a
   * reader never sees a key before the lower keys committed with or before it. (The lifecycle lock,
   * taken after it, is shared with snapshot ingest and serves another purpose.)
   */
  async insertNew(vcenterId: string, events: EventDto[]): Promise<number> {
    if (events.length === 0) return 0;
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [INGEST_LOCK_CLASS, vcenterId]);
      await lockVmLifecycle(manager, vcenterId);
      const inserted = await this.insert(manager, vcenterId, events);
      const keys = inserted.map((row) => row.event_key);
      await fillRowsFromEvents(manager, vcenterId, keys);
      if (keys.length) {
        await manager.query('SELECT pg_notify($1, $2)', [EVENT_CHANNEL, `${vcenterId} ${Math.max(...keys)}`]);
      }
      return keys.length;
    });
  }

  private async insert(
    manager: EntityManager,
    vcenterId: string,
    events: EventDto[],
  ): Promise<{ event_key: number }[]> {
    const ref = (pick: (event: EventDto) => { moref: string; name: string } | null | undefined) => [
      events.map((event) => pick(event)?.moref ?? null),
      events.map((event) => pick(event)?.name ?? null),
    ];
    return (await manager.query(
      `INSERT INTO vcenter_event (vcenter_id, event_key, chain_id, type, created_time, user_name, full_message,
         datacenter_moref, datacenter_name, cluster_moref, cluster_name, host_moref, host_name, vm_moref, vm_name, fields)
       SELECT $1, e.* FROM unnest($2::integer[], $3::integer[], $4::text[], $5::timestamptz[], $6::text[], $7::text[],
         $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::jsonb[])
         AS e(event_key, chain_id, type, created_time, user_name, full_message, datacenter_moref, datacenter_name,
              cluster_moref, cluster_name, host_moref, host_name, vm_moref, vm_name, fields)
        WHERE NOT EXISTS (SELECT 1 FROM vcenter_event x WHERE x.vcenter_id = $1 AND x.event_key = e.event_key)
       ON CONFLICT DO NOTHING
       RETURNING event_key`,
      [
        vcenterId,
        events.map((event) => event.key),
        events.map((event) => event.chainId),
        events.map((event) => event.type),
        events.map((event) => event.createdTime),
        events.map((event) => event.userName ?? null),
        events.map((event) => event.fullMessage ?? null),
        ...ref((event) => event.datacenter),
        ...ref((event) => event.cluster),
        ...ref((event) => event.host),
        ...ref((event) => event.vm),
        events.map((event) => JSON.stringify(event.fields ?? {})),
      ],
    )) as { event_key: number }[];
  }

  async lastKey(vcenterId: string): Promise<number | null> {
    return (await this.last(vcenterId))?.key ?? null;
  }

  /** The highest stored key of the vCenter and that event's created time; null before any event. */
  async last(vcenterId: string): Promise<{ key: number; createdTime: Date } | null> {
    const [row] = (await this.dataSource.query(
      `SELECT event_key, created_time FROM vcenter_event WHERE vcenter_id = $1
        ORDER BY event_key DESC LIMIT 1`,
      [vcenterId],
    )) as { event_key: number; created_time: Date }[];
    return row ? { key: row.event_key, createdTime: row.created_time } : null;
  }
}
