import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ControllerConfig } from '@vcc/config';
import { leaseTtlSeconds } from '@vcc/contract';
import type { CollectorEntity, CollectorGoneReason, VcenterEntity } from '@vcc/database';
import { FieldError, badRequest, conflict, notFound } from '../common/field.error';
import { advance, publishEpoch, type PublishedEpoch } from './epoch';
import {
  appendMember,
  indicesOf,
  removeMembers,
  reorderMembers,
  replaceMember,
  setWeight,
  type GroupSlots,
} from './group-slots';
import { GroupsRepository, type GroupTransaction, type LockedGroup } from './groups.repository';
import { chooseVcenter } from './placement';

export interface Registration {
  name: string;
  /** Hash of the secret the collector proves its id with. */
  secretHash: string;
  instanceId: string | null;
  version: string;
  capacity: number;
  address: string | null;
  preferredVcenterId?: string;
}

/** Assignment-visible settings: changing one of them is a new epoch. */
const EPOCH_SETTINGS = [
  'enabled',
  'realtimeIntervalSeconds',
  'historicalIntervalSeconds',
  'requestBudget',
] as const;

/** Changing one of them is a new credential version: collectors fetch the credentials again. */
const CREDENTIALS = ['username', 'passwordEnc'] as const;

/**
 * Every change of who holds which group indices of a vCenter: one transaction that locks the
 * vCenter rows involved, computes the new slots, bumps each changed vCenter's epoch exactly once
 * and gives every member its new assignment from the next boundary.
 */
@Injectable()
export class AssignmentService {
  private readonly logger = new Logger('Assignment');
  private readonly leadSeconds: number;
  private readonly leaseTtlMs: number;

  constructor(
    private readonly groups: GroupsRepository,
    config: ControllerConfig,
  ) {
    const membership = config.membership;
    this.leadSeconds = membership.heartbeatIntervalSeconds + membership.boundaryMarginSeconds;
    this.leaseTtlMs =
      leaseTtlSeconds(membership.heartbeatIntervalSeconds, membership.missedHeartbeats) * 1000;
  }

  async register(registration: Registration): Promise<CollectorEntity> {
    return this.groups.transaction(async (tx) => {
      await tx.lockCollectorName(registration.name);
      const seen = await tx.liveCollectorByName(registration.name);
      const inPlace = seen?.state === 'active' && seen.vcenterId && !registration.preferredVcenterId;
      const targetId = inPlace
        ? seen.vcenterId
        : (registration.preferredVcenterId ??
          (await tx.lastVcenterOf(registration.name)) ??
          chooseVcenter(await tx.placementCandidates())?.id);
      const groups = await tx.lockGroups([seen?.vcenterId, targetId]);
      const existing = seen ? await tx.lockCollector(seen.id) : null;
      const now = await tx.clock();
      if (existing) assertMayReplace(existing, registration, now);

      const changed: CollectorEntity[] = [];
      let replacedGroup: LockedGroup | undefined;
      if (existing && existing.state !== 'gone') {
        replacedGroup =
          existing.state === 'active' && existing.vcenterId ? groups.get(existing.vcenterId) : undefined;
        await tx.saveCollectors([retire(existing, 'replaced', now)]);
      }
      const collector = await tx.insertCollector({
        name: registration.name,
        instanceId: registration.instanceId,
        secretHash: registration.secretHash,
        version: registration.version,
        address: registration.address,
        capacity: registration.capacity,
        weight: registration.capacity,
        state: 'active',
        groupIndices: [],
        assignment: null,
        previousAssignment: null,
        registeredAt: now,
        lastHeartbeatAt: now,
        leaseExpiresAt: new Date(now.getTime() + this.leaseTtlMs),
      });
      const target = targetId ? groups.get(targetId) : undefined;
      if (existing && replacedGroup && replacedGroup === target) {
        // A restarted collector under the same name takes over its predecessor's indices, weight and
        // assignments, so it can carry on with the current cycle.
        collector.weight = existing.weight;
        collector.assignment = existing.assignment;
        collector.previousAssignment = existing.previousAssignment;
        const slots = replaceMember(target.slots, existing.id, collector.id);
        changed.push(
          ...(await this.publish(tx, target, slots, `${registration.name} re-registered`, [collector])),
        );
      } else {
        let notBefore: Date | undefined;
        if (existing && replacedGroup) {
          const slots = removeMembers(replacedGroup.slots, new Set([existing.id]));
          const left = await this.bump(
            tx,
            replacedGroup,
            slots,
            `${registration.name} re-registered elsewhere`,
          );
          changed.push(...left.members);
          notBefore = left.published.effectiveFrom;
        }
        if (target) {
          const slots = appendMember(target.slots, collector.id, collector.weight);
          changed.push(
            ...(await this.publish(tx, target, slots, `${registration.name} joined`, [collector], notBefore)),
          );
        } else {
          this.logger.warn(`${registration.name} registered, but there is no enabled vCenter to place it on`);
        }
      }
      await tx.saveCollectors(changed);
      return collector;
    });
  }

  /** Places a collector that registered while no vCenter was available; false when there still is none. */
  async placeUnplaced(collectorId: string): Promise<boolean> {
    return this.groups.transaction(async (tx) => {
      const target = chooseVcenter(await tx.placementCandidates());
      if (!target) return false;
      const group = (await tx.lockGroups([target.id])).get(target.id);
      const collector = await tx.lockCollector(collectorId);
      if (!group || !collector || collector.state !== 'active' || collector.vcenterId) return false;
      const slots = appendMember(group.slots, collector.id, collector.weight);
      await tx.saveCollectors(await this.publish(tx, group, slots, `${collector.name} placed`, [collector]));
      return true;
    });
  }

  /** Graceful leave: the collector's indices move to others from the next boundary. */
  async deregister(collectorId: string): Promise<void> {
    await this.withCollector(collectorId, [], async (tx, collector, groups, now) => {
      if (collector.state === 'gone') return;
      const group =
        collector.state === 'active' && collector.vcenterId ? groups.get(collector.vcenterId) : undefined;
      const changed = group
        ? await this.publish(
            tx,
            group,
            removeMembers(group.slots, new Set([collector.id])),
            `${collector.name} left`,
          )
        : [];
      await tx.saveCollectors([...changed, retire(collector, 'deregistered', now)]);
    });
  }

  /** No work from the next boundary; the reaper deregisters the collector once that has passed. */
  async drain(collectorId: string): Promise<CollectorEntity> {
    return this.withCollector(collectorId, [], async (tx, collector, groups, now) => {
      assertNotGone(collector);
      if (collector.state === 'draining') return collector;
      const group = collector.vcenterId ? groups.get(collector.vcenterId) : undefined;
      if (!group) {
        await tx.saveCollectors([retire(collector, 'drained', now)]);
        return collector;
      }
      const slots = removeMembers(group.slots, new Set([collector.id]));
      const { published, members } = await this.bump(tx, group, slots, `${collector.name} drained`);
      Object.assign(collector, {
        state: 'draining',
        groupIndices: [],
        drainAt: published.effectiveFrom,
        ...held(advance(heldOf(collector), published.empty)),
      });
      await tx.saveCollectors([...members, collector]);
      return collector;
    });
  }

  /** Leaves the current vCenter and joins another; the new group starts no earlier than the old one stops. */
  async move(collectorId: string, vcenterId: string): Promise<CollectorEntity> {
    return this.withCollector(collectorId, [vcenterId], async (tx, collector, groups) => {
      assertNotGone(collector);
      if (collector.state === 'draining') throw conflict('id', `collector ${collector.name} is draining`);
      const target = groups.get(vcenterId);
      if (!target) throw notFound('vcenter', `no vCenter with id ${vcenterId}`);
      if (collector.vcenterId === vcenterId) return collector;
      const changed: CollectorEntity[] = [];
      let notBefore: Date | undefined;
      const source = collector.vcenterId ? groups.get(collector.vcenterId) : undefined;
      if (source) {
        const slots = removeMembers(source.slots, new Set([collector.id]));
        const left = await this.bump(tx, source, slots, `${collector.name} moved to ${target.vcenter.name}`);
        changed.push(...left.members);
        notBefore = left.published.effectiveFrom;
      }
      const slots = appendMember(target.slots, collector.id, collector.weight);
      const reason = `${collector.name} moved from ${source?.vcenter.name ?? 'nowhere'}`;
      changed.push(...(await this.publish(tx, target, slots, reason, [collector], notBefore)));
      await tx.saveCollectors(changed);
      return collector;
    });
  }

  async setWeight(collectorId: string, weight: number): Promise<CollectorEntity> {
    return this.withCollector(collectorId, [], async (tx, collector, groups) => {
      assertNotGone(collector);
      if (collector.weight === weight) return collector;
      collector.weight = weight;
      const group =
        collector.state === 'active' && collector.vcenterId ? groups.get(collector.vcenterId) : undefined;
      const changed = group
        ? await this.publish(
            tx,
            group,
            setWeight(group.slots, collector.id, weight),
            `${collector.name} weight ${weight}`,
          )
        : [];
      await tx.saveCollectors(changed.includes(collector) ? changed : [...changed, collector]);
      return collector;
    });
  }

  async reorder(vcenterId: string, order: string[]): Promise<LockedGroup> {
    return this.withGroup(vcenterId, async (tx, group) => {
      const members = new Set(group.members.map((member) => member.id));
      const missing = [...members].filter((id) => !order.includes(id));
      const unknown = order.filter((id) => !members.has(id));
      if (missing.length || unknown.length || new Set(order).size !== order.length) {
        throw badRequest(
          'collectorIds',
          `must list each of the ${members.size} members of ${group.vcenter.name} exactly once` +
            (missing.length ? `; missing ${missing.join(', ')}` : '') +
            (unknown.length ? `; not members: ${unknown.join(', ')}` : ''),
        );
      }
      const slots = reorderMembers(group.slots, order);
      if (sameSlots(slots, group.slots)) return group;
      await tx.saveCollectors(await this.publish(tx, group, slots, 'indices reordered'));
      return group;
    });
  }

  /**
   * Applies catalogue changes to a locked vCenter; a change of a setting that members see in their
   * assignment (paused, intervals, request budget) is one epoch bump.
   */
  async updateVcenter(vcenterId: string, changes: Partial<VcenterEntity>): Promise<VcenterEntity> {
    return this.withGroup(vcenterId, async (tx, group) => {
      const bumps = EPOCH_SETTINGS.some((key) => key in changes && changes[key] !== group.vcenter[key]);
      if (CREDENTIALS.some((key) => key in changes && changes[key] !== group.vcenter[key])) {
        changes = { ...changes, credentialVersion: group.vcenter.credentialVersion + 1 };
      }
      Object.assign(group.vcenter, changes);
      if (Object.keys(changes).length) await tx.saveVcenter(vcenterId, changes);
      if (bumps) {
        const paused = 'enabled' in changes ? (changes.enabled ? 'resumed' : 'paused') : 'settings changed';
        await tx.saveCollectors(await this.publish(tx, group, group.slots, paused));
      }
      return group.vcenter;
    });
  }

  /** Members of a deleted vCenter lose their assignment at once and are placed again at their next heartbeat. */
  async deleteVcenter(vcenterId: string): Promise<void> {
    await this.withGroup(vcenterId, async (tx, group) => {
      const released = group.members.map((member) =>
        Object.assign(member, {
          vcenterId: null,
          groupIndices: [],
          assignment: null,
          previousAssignment: null,
        }),
      );
      await tx.saveCollectors(released);
      await tx.deleteVcenter(vcenterId);
      this.logger.log(
        `vCenter ${group.vcenter.name} deleted; ${released.length} collector(s) to be placed again`,
      );
    });
  }

  /** Removes members whose lease ran out, one epoch bump per vCenter; returns how many expired. */
  async expireLeases(): Promise<number> {
    let expired = 0;
    for (const vcenterId of await this.groups.vcentersWithExpiredLeases()) {
      try {
        expired += await this.withGroup(vcenterId, async (tx, group) => {
          const now = await tx.clock();
          const gone = group.members.filter((member) => member.leaseExpiresAt < now);
          if (gone.length === 0) return 0;
          const names = gone.map((member) => member.name).join(', ');
          const slots = removeMembers(group.slots, new Set(gone.map((member) => member.id)));
          const changed = await this.publish(tx, group, slots, `lease expired: ${names}`);
          await tx.saveCollectors([...changed, ...gone.map((member) => retire(member, 'expired', now))]);
          return gone.length;
        });
      } catch (error) {
        this.logger.error(`expiring leases of vCenter ${vcenterId} failed: ${(error as Error).message}`);
      }
    }
    const idle = await this.groups.retireIdleCollectors();
    if (idle.drained) this.logger.log(`${idle.drained} drained collector(s) deregistered`);
    if (idle.expired) this.logger.log(`${idle.expired} collector(s) without indices expired`);
    return expired + idle.expired;
  }

  /** Publishes the slots as the group's next epoch; returns the member rows to save. */
  private async publish(
    tx: GroupTransaction,
    group: LockedGroup,
    slots: GroupSlots,
    reason: string,
    joining: CollectorEntity[] = [],
    notBefore?: Date,
  ): Promise<CollectorEntity[]> {
    return (await this.bump(tx, group, slots, reason, joining, notBefore)).members;
  }

  private async bump(
    tx: GroupTransaction,
    group: LockedGroup,
    slots: GroupSlots,
    reason: string,
    joining: CollectorEntity[] = [],
    notBefore?: Date,
  ): Promise<{ published: PublishedEpoch; members: CollectorEntity[] }> {
    const now = await tx.clock();
    const { vcenter } = group;
    const published = publishEpoch(vcenter, slots, now, this.leadSeconds, notBefore);
    const byId = new Map([...group.members, ...joining].map((member) => [member.id, member]));
    const members: CollectorEntity[] = [];
    for (const [id, groupIndices] of indicesOf(slots)) {
      const member = byId.get(id)!;
      Object.assign(member, {
        vcenterId: vcenter.id,
        groupIndices,
        ...held(advance(heldOf(member), published.byCollector.get(id)!)),
      });
      members.push(member);
    }
    vcenter.epoch = published.epoch;
    vcenter.epochEffectiveFrom = published.effectiveFrom;
    group.slots = [...slots];
    group.members = members;
    await tx.saveVcenter(vcenter.id, { epoch: published.epoch, epochEffectiveFrom: published.effectiveFrom });
    this.logger.log(
      `vCenter ${vcenter.name}: epoch ${published.epoch} (${reason}) from ${published.effectiveFrom.toISOString()}, ` +
        `${slots.length} group(s) over ${members.length} collector(s)`,
    );
    return { published, members };
  }

  private withGroup<T>(
    vcenterId: string,
    work: (tx: GroupTransaction, group: LockedGroup) => Promise<T>,
  ): Promise<T> {
    return this.groups.transaction(async (tx) => {
      const group = (await tx.lockGroups([vcenterId])).get(vcenterId);
      if (!group) throw notFound('id', `no vCenter with id ${vcenterId}`);
      return work(tx, group);
    });
  }

  /**
   * Locks a collector after the vCenters it belongs to (and `alsoLock`), keeping the lock order.
   * A collector that moved between reading and locking is read again.
   */
  private withCollector<T>(
    collectorId: string,
    alsoLock: string[],
    work: (
      tx: GroupTransaction,
      collector: CollectorEntity,
      groups: Map<string, LockedGroup>,
      now: Date,
    ) => Promise<T>,
  ): Promise<T> {
    return this.groups.transaction(async (tx) => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const seen = await tx.findCollector(collectorId);
        if (!seen) throw notFound('id', `no collector with id ${collectorId}`);
        const groups = await tx.lockGroups([seen.vcenterId, ...alsoLock]);
        const collector = (await tx.lockCollector(collectorId))!;
        if (collector.vcenterId === seen.vcenterId) {
          const member = collector.vcenterId
            ? groups.get(collector.vcenterId)?.members.find((m) => m.id === collector.id)
            : undefined;
          return work(tx, member ?? collector, groups, await tx.clock());
        }
      }
      throw new FieldError(HttpStatus.CONFLICT, 'id', 'the collector is changing; try again');
    });
  }
}

function heldOf(collector: CollectorEntity) {
  return { assignment: collector.assignment, previous: collector.previousAssignment };
}

function held(
  assignments: ReturnType<typeof heldOf>,
): Pick<CollectorEntity, 'assignment' | 'previousAssignment'> {
  return { assignment: assignments.assignment, previousAssignment: assignments.previous };
}

function retire(collector: CollectorEntity, reason: CollectorGoneReason, now: Date): CollectorEntity {
  return Object.assign(collector, { state: 'gone', goneReason: reason, goneAt: now, groupIndices: [] });
}

/**
 * A live name belongs to the instance that registered it: that instance may register again (it
 * lost its id), another one only once the holder's lease has run out. Otherwise two hosts cloned
 * with one name would replace each other at every registration, each bumping the epoch.
 */
function assertMayReplace(holder: CollectorEntity, registration: Registration, now: Date): void {
  if (holder.state === 'gone' || holder.leaseExpiresAt < now) return;
  if (registration.instanceId !== null && holder.instanceId === registration.instanceId) return;
  throw conflict(
    'name',
    `name ${holder.name} is held by collector ${holder.id} (instance ${holder.instanceId ?? 'unknown'}, ` +
      `${holder.address ?? 'unknown address'}) until its lease expires at ${holder.leaseExpiresAt.toISOString()}; ` +
      'give this collector its own member.name',
  );
}

function assertNotGone(collector: CollectorEntity): void {
  if (collector.state === 'gone') {
    throw conflict('id', `collector ${collector.name} is gone (${collector.goneReason})`);
  }
}

function sameSlots(a: GroupSlots, b: GroupSlots): boolean {
  return a.length === b.length && a.every((owner, index) => owner === b[index]);
}
