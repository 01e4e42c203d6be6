import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ControllerConfig } from '@vcc/config';
import { COLLECTOR_SECRET_HEADER, CollectorGone, leaseTtlSeconds, type GroupWatermark } from '@vcc/contract';
import type { CollectorEntity, CollectorGoneReason, StoredAssignment } from '@vcc/database';
import { AssignmentService } from '../assignment/assignment.service';
import { FieldError, notFound } from '../common/field.error';
import { ControllerMetrics } from '../status/controller-metrics';
import { PasswordCipher } from '../vcenters/password-cipher';
import { VcenterRepository } from '../vcenters/vcenter.repository';
import { CollectorRepository, type RenewedLease, type VcenterConnectionRow } from './collector.repository';
import type {
  AssignmentResponse,
  AssignmentView,
  CollectorView,
  CredentialsView,
  HeartbeatDto,
  RegisterDto,
  RegistrationResponse,
} from './membership.dto';

const GONE_ADVICE: Record<CollectorGoneReason, string> = {
  deregistered: 'it deregistered; register again to rejoin',
  expired: 'its lease expired after missed heartbeats; register again',
  replaced: 'a newer registration under its name replaced it',
  drained: 'an admin drained it; it should stop rather than register again',
};

/** What the collector is told, as a code: only `drained` means stop. */
const GONE_CODE: Record<CollectorGoneReason, CollectorGone> = {
  deregistered: CollectorGone.Unknown,
  expired: CollectorGone.Expired,
  replaced: CollectorGone.Unknown,
  drained: CollectorGone.Drained,
};

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function secretMatches(secretHash: string | null, secret: string | undefined): boolean {
  if (!secretHash || !secret) return false;
  return timingSafeEqual(Buffer.from(secretHash, 'hex'), Buffer.from(hashSecret(secret), 'hex'));
}

/** True when `collector` holds group indices on the vCenter in the assignment in force at `now` or the next one. */
export function holdsIndicesOn(collector: CollectorEntity, vcenterId: string, now: Date): boolean {
  const latest = collector.assignment;
  const inForce =
    latest && Date.parse(latest.effectiveFrom) > now.getTime() ? collector.previousAssignment : latest;
  return [latest, inForce].some(
    (held) => held?.vcenterId === vcenterId && !held.paused && held.groupIndices.length > 0,
  );
}

export function toCollectorView(collector: CollectorEntity): CollectorView {
  const assignment = collector.assignment;
  return {
    id: collector.id,
    name: collector.name,
    version: collector.version,
    instanceId: collector.instanceId,
    address: collector.address,
    state: collector.state,
    goneReason: collector.goneReason,
    weight: collector.weight,
    vcenterId: collector.vcenterId,
    groupIndices: collector.groupIndices,
    registeredAt: collector.registeredAt.toISOString(),
    lastHeartbeatAt: collector.lastHeartbeatAt.toISOString(),
    leaseExpiresAt: collector.leaseExpiresAt.toISOString(),
    drainAt: collector.drainAt?.toISOString() ?? null,
    assignment: assignment && {
      vcenterId: assignment.vcenterId,
      epoch: assignment.epoch,
      effectiveFrom: assignment.effectiveFrom,
      groupIndices: assignment.groupIndices,
      groupCount: assignment.groupCount,
      paused: assignment.paused,
      requestBudget: assignment.requestBudget,
    },
    lastCycle: collector.cycleStart
      ? {
          cycleStart: collector.cycleStart.toISOString(),
          entitiesAssigned: collector.entitiesAssigned ?? 0,
          entitiesCollected: collector.entitiesCollected ?? 0,
          points: collector.points ?? 0,
          durationMs: collector.durationMs ?? 0,
          errors: collector.errors ?? 0,
        }
      : null,
  };
}

/** Registration, heartbeats and deregistration: the collectors' side of membership. */
@Injectable()
export class MembershipService {
  private readonly logger = new Logger('Membership');
  private readonly heartbeatIntervalSeconds: number;
  private readonly leaseTtlSeconds: number;

  constructor(
    config: ControllerConfig,
    private readonly collectors: CollectorRepository,
    private readonly vcenters: VcenterRepository,
    private readonly assignment: AssignmentService,
    private readonly cipher: PasswordCipher,
    private readonly metrics: ControllerMetrics,
  ) {
    this.heartbeatIntervalSeconds = config.membership.heartbeatIntervalSeconds;
    this.leaseTtlSeconds = leaseTtlSeconds(
      config.membership.heartbeatIntervalSeconds,
      config.membership.missedHeartbeats,
    );
  }

  async register(body: RegisterDto, address: string | null): Promise<RegistrationResponse> {
    let preferredVcenterId: string | undefined;
    if (body.preferredVcenter !== undefined) {
      const preferred = await this.vcenters.findByIdOrName(body.preferredVcenter);
      if (!preferred)
        throw notFound('preferredVcenter', `no vCenter with id or name ${body.preferredVcenter}`);
      preferredVcenterId = preferred.id;
    }
    const secret = randomBytes(32).toString('base64url');
    const collector = await this.assignment.register({
      secretHash: hashSecret(secret),
      name: body.name,
      instanceId: body.instanceId ?? null,
      version: body.version,
      capacity: body.capacity ?? 1,
      address,
      preferredVcenterId,
    });
    this.logger.log(
      `collector ${collector.name} (${collector.version}, ${address ?? 'unknown address'}) registered as ${collector.id}`,
    );
    const named = [
      ...new Set([collector.assignment?.vcenterId, collector.previousAssignment?.vcenterId]),
    ].filter((id): id is string => !!id);
    const response = this.respond({
      id: collector.id,
      name: collector.name,
      state: 'active',
      vcenterId: collector.vcenterId,
      assignment: collector.assignment,
      previousAssignment: collector.previousAssignment,
      now: collector.registeredAt,
      vcenters: await this.vcenters.findByIds(named),
      watermarks: await this.collectors.watermarks(named),
    });
    return { ...response, secret };
  }

  async heartbeat(id: string, secret: string | undefined, body: HeartbeatDto): Promise<AssignmentResponse> {
    const secretHash = secret !== undefined ? hashSecret(secret) : undefined;
    let lease = secretHash
      ? await this.collectors.renewLease(id, secretHash, this.leaseTtlSeconds, body.stats)
      : undefined;
    if (!lease) {
      const collector = await this.authenticate(id, secret);
      // An expired lease the reaper has not yet seen is gone all the same.
      const reason = collector.goneReason ?? 'expired';
      throw new FieldError(
        HttpStatus.GONE,
        'id',
        `collector ${collector.name} is gone: ${GONE_ADVICE[reason]}`,
        { gone: GONE_CODE[reason] },
      );
    }
    this.metrics.heartbeats.inc();
    if (lease.state === 'active' && !lease.vcenterId && (await this.assignment.placeUnplaced(id))) {
      lease = (await this.collectors.renewLease(id, secretHash!, this.leaseTtlSeconds))!;
    }
    return this.respond(lease);
  }

  /**
   * The credentials of a vCenter, for a live collector holding group indices on it now or from the
   * next boundary: the one answer that carries a password.
   */
  async credentials(id: string, secret: string | undefined, vcenterId: string): Promise<CredentialsView> {
    const collector = await this.authenticate(id, secret);
    const now = await this.collectors.clock();
    if (collector.state === 'gone' || collector.leaseExpiresAt < now) {
      throw new FieldError(HttpStatus.GONE, 'id', `collector ${collector.name} is gone; register again`, {
        gone: GONE_CODE[collector.goneReason ?? 'expired'],
      });
    }
    const vcenter = await this.vcenters.findById(vcenterId);
    if (!vcenter || !vcenter.enabled || !holdsIndicesOn(collector, vcenterId, now)) {
      throw new FieldError(
        HttpStatus.FORBIDDEN,
        'vcenterId',
        `collector ${collector.name} holds no group indices on vCenter ${vcenterId}, now or from the next boundary`,
      );
    }
    return {
      vcenterId: vcenter.id,
      credentialVersion: vcenter.credentialVersion,
      username: vcenter.username,
      password: this.cipher.decrypt(vcenter.passwordEnc),
    };
  }

  /** A collector deregisters itself with its secret; admins need none. */
  async deregister(id: string, secret: string | undefined, asAdmin: boolean): Promise<void> {
    if (!asAdmin) await this.authenticate(id, secret);
    await this.assignment.deregister(id);
  }

  /** The collector with this id, when `secret` is the one its registration returned. */
  private async authenticate(id: string, secret: string | undefined): Promise<CollectorEntity> {
    const collector = await this.collectors.findById(id);
    if (!collector) {
      throw new FieldError(HttpStatus.NOT_FOUND, 'id', `no collector with id ${id}; register first`, {
        gone: CollectorGone.Unknown,
      });
    }
    if (!secretMatches(collector.secretHash, secret)) {
      throw new FieldError(
        HttpStatus.FORBIDDEN,
        COLLECTOR_SECRET_HEADER,
        `must be the secret the registration of collector ${id} returned: a collector acts only as itself`,
      );
    }
    return collector;
  }

  async list(): Promise<CollectorView[]> {
    return (await this.collectors.listLive()).map(toCollectorView);
  }

  async get(id: string): Promise<CollectorView> {
    const collector = await this.collectors.findById(id);
    if (!collector) throw notFound('id', `no collector with id ${id}`);
    return toCollectorView(collector);
  }

  private respond(lease: RenewedLease): AssignmentResponse {
    const { assignment, now } = lease;
    // The previous assignment matters only until the latest one takes effect.
    const previous =
      assignment && lease.previousAssignment && Date.parse(assignment.effectiveFrom) > now.getTime()
        ? lease.previousAssignment
        : null;
    const byId = new Map(lease.vcenters.map((vcenter) => [vcenter.id, vcenter]));
    return {
      collectorId: lease.id,
      state: lease.state,
      serverTime: now.toISOString(),
      leaseTtlSeconds: this.leaseTtlSeconds,
      heartbeatIntervalSeconds: this.heartbeatIntervalSeconds,
      assignment: this.view(assignment, byId, lease.watermarks),
      previous: this.view(previous, byId, lease.watermarks),
    };
  }

  private view(
    assignment: StoredAssignment | null,
    vcenters: Map<string, VcenterConnectionRow>,
    watermarks: GroupWatermark[],
  ): AssignmentView | null {
    const vcenter = assignment && vcenters.get(assignment.vcenterId);
    if (!assignment || !vcenter) return null;
    return {
      epoch: assignment.epoch,
      effectiveFrom: assignment.effectiveFrom,
      groupIndices: assignment.groupIndices,
      groupIndex: assignment.groupIndices[0] ?? null,
      groupCount: assignment.groupCount,
      paused: assignment.paused,
      requestBudget: assignment.requestBudget,
      realtimeIntervalSeconds: assignment.realtimeIntervalSeconds,
      historicalIntervalSeconds: assignment.historicalIntervalSeconds,
      vcenter: {
        id: vcenter.id,
        name: vcenter.name,
        sdkUrl: vcenter.sdkUrl,
        tls: { insecure: vcenter.tlsInsecure, caFile: vcenter.tlsCaFile },
        counters: vcenter.counters,
        filters: { include: vcenter.includeFilters, exclude: vcenter.excludeFilters },
        credentialVersion: vcenter.credentialVersion,
      },
      watermarks: watermarks.filter((mark) => mark.vcenterId === vcenter.id),
    };
  }
}
