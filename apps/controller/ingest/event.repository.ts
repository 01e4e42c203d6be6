import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EventDto } from './event.dto';
import { fillRowsFromEvents, lockVmLifecycle } from './vm-lifecycle';

@Injectable()
export class EventRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts the events whose key the vCenter has not stored yet, in any month; returns how many
   * were new. The primary key catches two batches racing with the same events. The new events
   * fill the snapshot rows they tell the creation or removal of (vm-lifecycle.ts).
   */
  async insertNew(vcenterId: string, events: EventDto[]): Promise<number> {
    if (events.length === 0) return 0;
    const ref = (pick: (event: EventDto) => { moref: string; name: string } | null | undefined) => [
      events.map((event) => pick(event)?.moref ?? null),
      events.map((event) => pick(event)?.name ?? null),
    ];
    return this.dataSource.transaction(async (manager) => {
      await lockVmLifecycle(manager, vcenterId);
      const inserted = (await manager.query(
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
      await fillRowsFromEvents(
        manager,
        vcenterId,
        inserted.map((row) => row.event_key),
      );
      return inserted.length;
    });
  }

  async lastKey(vcenterId: string): Promise<number | null> {
    const [row] = (await this.dataSource.query(
      'SELECT max(event_key) AS last_key FROM vcenter_event WHERE vcenter_id = $1',
      [vcenterId],
    )) as { last_key: number | null }[];
    return row.last_key;
  }
}
