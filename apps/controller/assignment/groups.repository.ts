import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CollectorEntity, VcenterEntity } from '@vcc/database';
import { slotsFromIndices } from './group-slots';
import type { PlacementCandidate } from './placement';

/** A vCenter row locked for a group change, with its active members (locked too) and their slots. */
export interface LockedGroup {
  vcenter: VcenterEntity;
  members: CollectorEntity[];
  slots: string[];
}

// Columns a group change may write; everything else of a collector row is the heartbeat's.
const COLLECTOR_CHANGE_COLUMNS = `
  id uuid, vcenter_id uuid, weight integer, state text, gone_reason text, gone_at timestamptz,
  group_indices integer[], assignment jsonb, previous_assignment jsonb, drain_at timestamptz`;

/**
 * One database transaction of a group change. Locks are always taken in the same order —
 * collector name (registration only), then vCenter rows by id, then collector rows by id — so
 * that concurrent changes on several controller replicas queue instead of deadlocking.
 */
export class GroupTransaction {
  constructor(private readonly manager: EntityManager) {}

  /** The database's clock: one clock for every replica. */
  async clock(): Promise<Date> {
    const [row] = (await this.manager.query('SELECT clock_timestamp() AS now')) as { now: Date }[];
    return row.now;
  }

  /** Serialises registrations under one name until the transaction ends. */
  async lockCollectorName(name: string): Promise<void> {
    await this.manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('vcc.collector:' || $1, 0))`, [
      name,
    ]);
  }

  async lockGroups(vcenterIds: (string | null | undefined)[]): Promise<Map<string, LockedGroup>> {
    const ids = [...new Set(vcenterIds.filter((id): id is string => !!id))].sort();
    const groups = new Map<string, LockedGroup>();
    if (ids.length === 0) return groups;
    const vcenters = await this.manager
      .createQueryBuilder(VcenterEntity, 'v')
      .where('v.id IN (:...ids)', { ids })
      .orderBy('v.id')
      .setLock('pessimistic_write')
      .getMany();
    if (vcenters.length === 0) return groups;
    const members = await this.manager
      .createQueryBuilder(CollectorEntity, 'c')
      .where('c.vcenter_id IN (:...ids)', { ids: vcenters.map((v) => v.id) })
      .andWhere(`c.state = 'active'`)
      .orderBy('c.id')
      .setLock('pessimistic_write')
      .getMany();
    for (const vcenter of vcenters) {
      const own = members.filter((member) => member.vcenterId === vcenter.id);
      groups.set(vcenter.id, { vcenter, members: own, slots: slotsFromIndices(own) });
    }
    return groups;
  }

  async findCollector(id: string): Promise<CollectorEntity | null> {
    return this.manager.findOneBy(CollectorEntity, { id });
  }

  async lockCollector(id: string): Promise<CollectorEntity | null> {
    return this.manager
      .createQueryBuilder(CollectorEntity, 'c')
      .where('c.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** The live (not gone) collector registered under a name, read without a lock. */
  async liveCollectorByName(name: string): Promise<CollectorEntity | null> {
    return this.manager
      .createQueryBuilder(CollectorEntity, 'c')
      .where('c.name = :name', { name })
      .andWhere(`c.state <> 'gone'`)
      .getOne();
  }

  /**
   * The enabled vCenter a collector of this name served last before it left (lease expired,
   * deregistered, replaced): coming back there keeps its vCenter session and watermarks useful.
   */
  async lastVcenterOf(name: string): Promise<string | undefined> {
    const [row] = (await this.manager.query(
      `SELECT c.vcenter_id AS id FROM collector c JOIN vcenter v ON v.id = c.vcenter_id AND v.enabled
        WHERE c.name = $1 AND c.state = 'gone'
        ORDER BY c.gone_at DESC LIMIT 1`,
      [name],
    )) as { id: string }[];
    return row?.id;
  }

  async placementCandidates(): Promise<PlacementCandidate[]> {
    const rows = (await this.manager.query(`
      SELECT v.id, v.name,
             coalesce(sum(c.weight), 0)::int AS weight,
             coalesce(sum(c.entities_assigned), 0)::int AS entities
        FROM vcenter v
        LEFT JOIN collector c ON c.vcenter_id = v.id AND c.state = 'active'
       WHERE v.enabled
       GROUP BY v.id, v.name`)) as PlacementCandidate[];
    return rows;
  }

  async insertCollector(collector: Partial<CollectorEntity>): Promise<CollectorEntity> {
    const entity = this.manager.create(CollectorEntity, collector);
    await this.manager.insert(CollectorEntity, entity);
    return entity;
  }

  /** Writes the group-related columns of many collectors in one statement. */
  async saveCollectors(collectors: CollectorEntity[]): Promise<void> {
    if (collectors.length === 0) return;
    const rows = collectors.map((c) => ({
      id: c.id,
      vcenter_id: c.vcenterId,
      weight: c.weight,
      state: c.state,
      gone_reason: c.goneReason,
      gone_at: c.goneAt,
      group_indices: c.groupIndices,
      assignment: c.assignment,
      previous_assignment: c.previousAssignment,
      drain_at: c.drainAt,
    }));
    await this.manager.query(
      `UPDATE collector c
          SET vcenter_id = u.vcenter_id, weight = u.weight, state = u.state, gone_reason = u.gone_reason,
              gone_at = u.gone_at, group_indices = u.group_indices, assignment = u.assignment,
              previous_assignment = u.previous_assignment, drain_at = u.drain_at
         FROM jsonb_to_recordset($1::jsonb) AS u(${COLLECTOR_CHANGE_COLUMNS})
        WHERE c.id = u.id`,
      [JSON.stringify(rows)],
    );
  }

  async saveVcenter(id: string, changes: Partial<VcenterEntity>): Promise<void> {
    await this.manager.update(VcenterEntity, { id }, changes);
  }

  async deleteVcenter(id: string): Promise<void> {
    await this.manager.delete(VcenterEntity, { id });
  }
}

@Injectable()
export class GroupsRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (tx: GroupTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('READ COMMITTED', (manager) => work(new GroupTransaction(manager)));
  }

  /** vCenters with at least one active member whose lease has run out. */
  async vcentersWithExpiredLeases(): Promise<string[]> {
    const rows = (await this.dataSource.query(`
      SELECT DISTINCT vcenter_id AS id FROM collector
       WHERE state = 'active' AND vcenter_id IS NOT NULL AND lease_expires_at < clock_timestamp()`)) as {
      id: string;
    }[];
    return rows.map((row) => row.id);
  }

  /**
   * Collectors that hold no indices need no group change to leave: unplaced or draining ones whose
   * lease ran out, and drains whose boundary has passed. Also forgets collectors gone for a day.
   */
  async retireIdleCollectors(): Promise<{ expired: number; drained: number }> {
    const [, expired] = (await this.dataSource.query(`
      UPDATE collector SET state = 'gone', gone_reason = 'expired', gone_at = clock_timestamp()
       WHERE state <> 'gone' AND (vcenter_id IS NULL OR state = 'draining')
         AND lease_expires_at < clock_timestamp()`)) as [unknown, number];
    const [, drained] = (await this.dataSource.query(`
      UPDATE collector SET state = 'gone', gone_reason = 'drained', gone_at = clock_timestamp()
       WHERE state = 'draining' AND drain_at <= clock_timestamp()`)) as [unknown, number];
    await this.dataSource.query(
      `DELETE FROM collector WHERE state = 'gone' AND gone_at < clock_timestamp() - interval '1 day'`,
    );
    return { expired, drained };
  }
}
