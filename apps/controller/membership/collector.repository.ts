import { Injectable } from '@nestjs/common';
import { DataSource, Not, type Repository } from 'typeorm';
import {
  CollectorEntity,
  type CollectorState,
  type StoredAssignment,
  type VcenterEntity,
} from '@vcc/database';
import type { GroupWatermark } from '@vcc/contract';
import type { CycleStatsDto } from './membership.dto';

/** What an assignment response shows of a vCenter. */
export type VcenterConnectionRow = Pick<
  VcenterEntity,
  | 'id'
  | 'name'
  | 'sdkUrl'
  | 'credentialVersion'
  | 'tlsInsecure'
  | 'tlsCaFile'
  | 'counters'
  | 'includeFilters'
  | 'excludeFilters'
>;

/** What a heartbeat needs back from the row it renewed. */
export interface RenewedLease {
  id: string;
  name: string;
  state: Exclude<CollectorState, 'gone'>;
  vcenterId: string | null;
  assignment: StoredAssignment | null;
  previousAssignment: StoredAssignment | null;
  /** The database's clock at the renewal. */
  now: Date;
  /** The vCenters its assignments name. */
  vcenters: VcenterConnectionRow[];
  /** The realtime watermarks of those vCenters (before this heartbeat's). */
  watermarks: GroupWatermark[];
}

/** Rows of realtime_watermark as json_build_object gives them, with the time in ISO form. */
const WATERMARK_JSON = `json_build_object('vcenterId', w.vcenter_id, 'groupCount', w.group_count,
  'groupIndex', w.group_index,
  'writtenUpTo', to_char(w.written_up_to AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

@Injectable()
export class CollectorRepository {
  private readonly collectors: Repository<CollectorEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.collectors = dataSource.getRepository(CollectorEntity);
  }

  /**
   * Renews the lease of a live collector, stores its last-cycle stats and reads back its
   * assignments with the vCenters they name, in one statement (only with the collector's secret): heartbeats are the hot path and
   * each round trip to PostgreSQL costs more than the work. Undefined when the collector is unknown
   * or gone, or its lease has expired (even before the reaper has marked it gone). A group change holding the row's lock makes this wait, so the answer always reflects
   * a committed change.
   */
  async renewLease(
    id: string,
    secretHash: string,
    leaseTtlSeconds: number,
    stats?: CycleStatsDto,
  ): Promise<RenewedLease | undefined> {
    const rows = (await this.dataSource.query(
      `WITH renewed AS (
         UPDATE collector
            SET last_heartbeat_at = clock_timestamp(),
                lease_expires_at = clock_timestamp() + make_interval(secs => $2),
                cycle_start = coalesce($3, cycle_start),
                entities_assigned = coalesce($4, entities_assigned),
                entities_collected = coalesce($5, entities_collected),
                points = coalesce($6, points),
                duration_ms = coalesce($7, duration_ms),
                errors = coalesce($8, errors)
          WHERE id = $1 AND secret_hash = $9 AND state <> 'gone' AND lease_expires_at > clock_timestamp()
      RETURNING id, name, state, vcenter_id, assignment, previous_assignment, last_heartbeat_at),
       -- Only marks of groups the collector holds in one of its assignments; a mark only advances.
       reported AS (
         SELECT w."vcenterId" AS vcenter_id, w."groupCount" AS group_count, w."groupIndex" AS group_index,
                max(w."writtenUpTo") AS written_up_to
           FROM renewed,
                jsonb_to_recordset($10::jsonb)
                  AS w("vcenterId" uuid, "groupCount" integer, "groupIndex" integer, "writtenUpTo" timestamptz)
          WHERE EXISTS (
                  SELECT 1 FROM (VALUES (renewed.assignment), (renewed.previous_assignment)) AS held (a)
                   WHERE held.a->>'vcenterId' = w."vcenterId"::text
                     AND (held.a->>'groupCount')::integer = w."groupCount"
                     AND held.a->'groupIndices' @> to_jsonb(w."groupIndex"))
          GROUP BY 1, 2, 3),
       stored AS (
         INSERT INTO realtime_watermark (vcenter_id, group_count, group_index, written_up_to)
         SELECT vcenter_id, group_count, group_index, written_up_to FROM reported
         ON CONFLICT (vcenter_id, group_count, group_index) DO UPDATE
            SET written_up_to = greatest(realtime_watermark.written_up_to, excluded.written_up_to),
                reported_at = clock_timestamp())
       SELECT renewed.*,
              (SELECT coalesce(json_agg(${WATERMARK_JSON}), '[]')
                 FROM realtime_watermark w
                WHERE w.vcenter_id::text IN (renewed.assignment->>'vcenterId', renewed.previous_assignment->>'vcenterId')
              ) AS watermarks,
              (SELECT coalesce(json_agg(json_build_object(
                        'id', v.id, 'name', v.name, 'sdkUrl', v.sdk_url,
                        'credentialVersion', v.credential_version,
                        'tlsInsecure', v.tls_insecure, 'tlsCaFile', v.tls_ca_file,
                        'counters', v.counters, 'includeFilters', v.include_filters,
                        'excludeFilters', v.exclude_filters)), '[]')
                 FROM vcenter v
                WHERE v.id::text IN (renewed.assignment->>'vcenterId', renewed.previous_assignment->>'vcenterId')
              ) AS vcenters
         FROM renewed`,
      [
        id,
        leaseTtlSeconds,
        stats?.cycleStart ?? null,
        stats?.entitiesAssigned ?? null,
        stats?.entitiesCollected ?? null,
        stats?.points ?? null,
        stats?.durationMs ?? null,
        stats?.errors ?? null,
        secretHash,
        JSON.stringify(stats?.watermarks ?? []),
      ],
    )) as {
      id: string;
      name: string;
      state: RenewedLease['state'];
      vcenter_id: string | null;
      assignment: StoredAssignment | null;
      previous_assignment: StoredAssignment | null;
      last_heartbeat_at: Date;
      vcenters: VcenterConnectionRow[];
      watermarks: GroupWatermark[];
    }[];
    const row = rows[0];
    return (
      row && {
        id: row.id,
        name: row.name,
        state: row.state,
        vcenterId: row.vcenter_id,
        assignment: row.assignment,
        previousAssignment: row.previous_assignment,
        now: row.last_heartbeat_at,
        vcenters: row.vcenters,
        watermarks: row.watermarks,
      }
    );
  }

  /** The realtime watermarks of these vCenters. */
  async watermarks(vcenterIds: string[]): Promise<GroupWatermark[]> {
    if (vcenterIds.length === 0) return [];
    const rows = (await this.dataSource.query(
      `SELECT ${WATERMARK_JSON} AS mark FROM realtime_watermark w WHERE w.vcenter_id = ANY($1::uuid[])`,
      [vcenterIds],
    )) as { mark: GroupWatermark }[];
    return rows.map((row) => row.mark);
  }

  /**
   * Forgets marks nobody reported for a day: a gap that old is far beyond vCenter's realtime
   * retention (an hour), so a new owner could not read it back anyway.
   */
  async pruneWatermarks(): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM realtime_watermark WHERE reported_at < clock_timestamp() - interval '1 day'`,
    );
  }

  findById(id: string): Promise<CollectorEntity | null> {
    return this.collectors.findOneBy({ id });
  }

  /** Registered collectors that are not gone, by name. */
  listLive(): Promise<CollectorEntity[]> {
    return this.collectors.find({ where: { state: Not('gone' as const) }, order: { name: 'ASC' } });
  }

  /** Live collectors by state; `unplaced` are active ones without a vCenter. */
  async countByState(): Promise<Record<'active' | 'draining' | 'unplaced', number>> {
    const rows = (await this.dataSource.query(`
      SELECT CASE WHEN state = 'active' AND vcenter_id IS NULL THEN 'unplaced' ELSE state END AS state,
             count(*)::int AS count
        FROM collector WHERE state <> 'gone' GROUP BY 1`)) as { state: string; count: number }[];
    const count = (state: string): number => rows.find((row) => row.state === state)?.count ?? 0;
    return { active: count('active'), draining: count('draining'), unplaced: count('unplaced') };
  }

  async clock(): Promise<Date> {
    const [row] = (await this.dataSource.query('SELECT clock_timestamp() AS now')) as { now: Date }[];
    return row.now;
  }
}
