import { Injectable } from '@nestjs/common';
import type { VcenterEntity } from '@vcc/database';
import { DEFAULT_COUNTERS, type VcenterCounters } from '@vcc/contract';
import { VCENTER_RULES } from '@vcc/config';
import { AssignmentService } from '../assignment/assignment.service';
import { conflict, notFound } from '../common/field.error';
import { isUniqueViolation } from '../common/unique-violation';
import { PasswordCipher } from './password-cipher';
import type { CountersDto, CreateVcenterDto, UpdateVcenterDto, VcenterView } from './vcenter.dto';
import { VcenterRepository } from './vcenter.repository';

/** Counters for every kind: the ones given, vcc's defaults for the kinds left out. */
export function fullCounters(counters?: CountersDto): VcenterCounters {
  return {
    vm: counters?.vm ?? [...DEFAULT_COUNTERS.vm],
    host: counters?.host ?? [...DEFAULT_COUNTERS.host],
    cluster: counters?.cluster ?? [...DEFAULT_COUNTERS.cluster],
    datastore: counters?.datastore ?? [...DEFAULT_COUNTERS.datastore],
  };
}

export function toView(vcenter: VcenterEntity): VcenterView {
  return {
    id: vcenter.id,
    name: vcenter.name,
    sdkUrl: vcenter.sdkUrl,
    username: vcenter.username,
    tls: { insecure: vcenter.tlsInsecure, caFile: vcenter.tlsCaFile },
    enabled: vcenter.enabled,
    realtimeIntervalSeconds: vcenter.realtimeIntervalSeconds,
    historicalIntervalSeconds: vcenter.historicalIntervalSeconds,
    counters: vcenter.counters,
    filters: { include: vcenter.includeFilters, exclude: vcenter.excludeFilters },
    requestBudget: vcenter.requestBudget,
    epoch: vcenter.epoch,
    epochEffectiveFrom: vcenter.epochEffectiveFrom?.toISOString() ?? null,
    createdAt: vcenter.createdAt.toISOString(),
    updatedAt: vcenter.updatedAt.toISOString(),
  };
}

/** The vCenter catalogue. Passwords are encrypted here, before anything is stored. */
@Injectable()
export class VcentersService {
  constructor(
    private readonly vcenters: VcenterRepository,
    private readonly assignment: AssignmentService,
    private readonly cipher: PasswordCipher,
  ) {}

  async create(input: CreateVcenterDto): Promise<VcenterView> {
    try {
      return toView(
        await this.vcenters.insert({
          name: input.name,
          sdkUrl: input.sdkUrl,
          username: input.username,
          passwordEnc: this.cipher.encrypt(input.password),
          tlsInsecure: input.tls?.insecure ?? false,
          tlsCaFile: input.tls?.caFile ?? null,
          enabled: input.enabled ?? true,
          realtimeIntervalSeconds:
            input.realtimeIntervalSeconds ?? VCENTER_RULES.defaultRealtimeIntervalSeconds,
          historicalIntervalSeconds:
            input.historicalIntervalSeconds ?? VCENTER_RULES.defaultHistoricalIntervalSeconds,
          counters: fullCounters(input.counters),
          includeFilters: input.filters?.include ?? [],
          excludeFilters: input.filters?.exclude ?? [],
          requestBudget: input.requestBudget ?? VCENTER_RULES.defaultRequestBudget,
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(
          'name',
          `a vCenter named ${input.name} exists already (names are compared ignoring case)`,
        );
      throw error;
    }
  }

  async list(): Promise<VcenterView[]> {
    return (await this.vcenters.list()).map(toView);
  }

  async get(id: string): Promise<VcenterView> {
    return toView(await this.find(id));
  }

  async find(id: string): Promise<VcenterEntity> {
    const vcenter = await this.vcenters.findById(id);
    if (!vcenter) throw notFound('id', `no vCenter with id ${id}`);
    return vcenter;
  }

  async update(id: string, input: UpdateVcenterDto): Promise<VcenterView> {
    const changes: Partial<VcenterEntity> = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.sdkUrl !== undefined) changes.sdkUrl = input.sdkUrl;
    if (input.username !== undefined) changes.username = input.username;
    if (input.password !== undefined) changes.passwordEnc = this.cipher.encrypt(input.password);
    if (input.tls !== undefined) {
      changes.tlsInsecure = input.tls.insecure ?? false;
      changes.tlsCaFile = input.tls.caFile ?? null;
    }
    if (input.enabled !== undefined) changes.enabled = input.enabled;
    if (input.realtimeIntervalSeconds !== undefined)
      changes.realtimeIntervalSeconds = input.realtimeIntervalSeconds;
    if (input.historicalIntervalSeconds !== undefined)
      changes.historicalIntervalSeconds = input.historicalIntervalSeconds;
    if (input.counters !== undefined) changes.counters = fullCounters(input.counters);
    if (input.filters !== undefined) {
      changes.includeFilters = input.filters.include ?? [];
      changes.excludeFilters = input.filters.exclude ?? [];
    }
    if (input.requestBudget !== undefined) changes.requestBudget = input.requestBudget;
    try {
      await this.assignment.updateVcenter(id, changes);
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(
          'name',
          `a vCenter named ${input.name} exists already (names are compared ignoring case)`,
        );
      throw error;
    }
    return this.get(id);
  }

  async setPaused(id: string, paused: boolean): Promise<VcenterView> {
    await this.assignment.updateVcenter(id, { enabled: !paused });
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    await this.assignment.deleteVcenter(id);
  }
}
