import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { StoredEvent } from './cloud-event';

/** What a page or a watch keeps: events of one type name and/or naming one entity. */
export interface EventFilter {
  /** A vim25 event class, or the eventTypeId of an EventEx or ExtendedEvent. */
  type?: string;
  /** A moref the event names as its datacenter, compute resource, host or VM. */
  entity?: string;
}

export interface KeyRange {
  earliest: number;
  latest: number;
}

const COLUMNS = `event_key AS "key", chain_id AS "chainId", type, created_time AS "createdTime",
  user_name AS "userName", full_message AS "fullMessage", datacenter_moref AS "datacenterMoref",
  datacenter_name AS "datacenterName", cluster_moref AS "clusterMoref", cluster_name AS "clusterName",
  host_moref AS "hostMoref", host_name AS "hostName", vm_moref AS "vmMoref", vm_name AS "vmName", fields`;

/** Reads vcenter_event by key: the stream's offsets are vCenter's event keys. */
@Injectable()
export class EventStreamRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The smallest and largest stored keys (retention drops whole months, so earliest moves up). */
  async range(vcenterId: string): Promise<KeyRange | null> {
    const [row] = (await this.dataSource.query(
      `SELECT min(event_key) AS earliest, max(event_key) AS latest FROM vcenter_event WHERE vcenter_id = $1`,
      [vcenterId],
    )) as { earliest: number | null; latest: number | null }[];
    return row.earliest === null || row.latest === null
      ? null
      : { earliest: row.earliest, latest: row.latest };
  }

  async one(vcenterId: string, key: number): Promise<StoredEvent | null> {
    const [row] = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM vcenter_event WHERE vcenter_id = $1 AND event_key = $2 LIMIT 1`,
      [vcenterId, key],
    )) as StoredEvent[];
    return row ?? null;
  }

  /** Up to `limit` events from `offset` (inclusive), newest first for `desc`, oldest first for `asc`. */
  page(
    vcenterId: string,
    offset: number,
    order: 'asc' | 'desc',
    limit: number,
    filter: EventFilter,
  ): Promise<StoredEvent[]> {
    const params: unknown[] = [vcenterId, offset, limit];
    const conditions = [`vcenter_id = $1`, `event_key ${order === 'desc' ? '<=' : '>='} $2`];
    if (filter.type !== undefined) {
      params.push(filter.type);
      conditions.push(
        `(type = $${params.length} OR (type IN ('EventEx', 'ExtendedEvent') AND fields->>'eventTypeId' = $${params.length}))`,
      );
    }
    if (filter.entity !== undefined) {
      params.push(filter.entity);
      conditions.push(`$${params.length} IN (vm_moref, host_moref, cluster_moref, datacenter_moref)`);
    }
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM vcenter_event WHERE ${conditions.join(' AND ')}
        ORDER BY event_key ${order === 'desc' ? 'DESC' : 'ASC'} LIMIT $3`,
      params,
    ) as Promise<StoredEvent[]>;
  }

  /** Up to `limit` events with a key above `afterKey`, oldest first: what a watch delivers next. */
  after(vcenterId: string, afterKey: number, limit: number): Promise<StoredEvent[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM vcenter_event WHERE vcenter_id = $1 AND event_key > $2
        ORDER BY event_key LIMIT $3`,
      [vcenterId, afterKey, limit],
    ) as Promise<StoredEvent[]>;
  }
}
