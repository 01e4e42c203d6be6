import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ControllerConfig, readRegularFile, type VcenterImportConfig } from '@vcc/config';
import type { VcenterEntity } from '@vcc/database';
import { AssignmentService } from '../assignment/assignment.service';
import { PasswordCipher } from './password-cipher';
import { VcenterRepository } from './vcenter.repository';
import { fullCounters, VcentersService } from './vcenters.service';

const COMPARED = [
  'sdkUrl',
  'username',
  'tlsInsecure',
  'tlsCaFile',
  'enabled',
  'realtimeIntervalSeconds',
  'historicalIntervalSeconds',
  'counters',
  'includeFilters',
  'excludeFilters',
  'requestBudget',
] as const;

/**
 * At start, makes the catalogue hold the vCenters of the config file (created, or updated by
 * name; the file wins), and reports stored passwords that the configured key cannot decrypt.
 */
@Injectable()
export class VcenterImportService implements OnModuleInit {
  private readonly logger = new Logger('VcenterImport');

  constructor(
    private readonly config: ControllerConfig,
    private readonly vcenters: VcenterRepository,
    private readonly catalogue: VcentersService,
    private readonly assignment: AssignmentService,
    private readonly cipher: PasswordCipher,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.vcenters.withImportLock(async () => {
      for (const entry of this.config.vcenters) await this.importOne(entry);
    });
    for (const vcenter of await this.vcenters.list()) {
      try {
        this.cipher.decrypt(vcenter.passwordEnc);
      } catch {
        this.logger.error(
          `vCenter ${vcenter.name}: the stored password cannot be decrypted with secrets.encryptionKey; ` +
            `set it again (PATCH /api/v1/vcenters/${vcenter.id})`,
        );
      }
    }
  }

  private async importOne(entry: VcenterImportConfig): Promise<void> {
    const password = entry.passwordFile
      ? readRegularFile(entry.passwordFile).replace(/\r?\n$/, '')
      : entry.password!;
    const existing = await this.vcenters.findByName(entry.name);
    if (!existing) {
      await this.catalogue.create({ ...entry, password });
      this.logger.log(`vCenter ${entry.name} imported from the config file`);
      return;
    }
    const wanted: Partial<VcenterEntity> = {
      sdkUrl: entry.sdkUrl,
      username: entry.username,
      tlsInsecure: entry.tls.insecure,
      tlsCaFile: entry.tls.caFile ?? null,
      enabled: entry.enabled,
      realtimeIntervalSeconds: entry.realtimeIntervalSeconds,
      historicalIntervalSeconds: entry.historicalIntervalSeconds,
      counters: fullCounters(entry.counters),
      includeFilters: entry.filters.include,
      excludeFilters: entry.filters.exclude,
      requestBudget: entry.requestBudget,
    };
    const changes: Partial<VcenterEntity> = {};
    for (const key of COMPARED) {
      if (JSON.stringify(existing[key]) !== JSON.stringify(wanted[key]))
        Object.assign(changes, { [key]: wanted[key] });
    }
    if (!this.storesPassword(existing, password)) changes.passwordEnc = this.cipher.encrypt(password);
    if (Object.keys(changes).length === 0) {
      this.logger.log(`vCenter ${entry.name} in the config file matches the catalogue`);
      return;
    }
    await this.assignment.updateVcenter(existing.id, changes);
    const names = Object.keys(changes).map((key) => (key === 'passwordEnc' ? 'password' : key));
    this.logger.log(`vCenter ${entry.name} updated from the config file: ${names.join(', ')}`);
  }

  private storesPassword(vcenter: VcenterEntity, password: string): boolean {
    try {
      return this.cipher.decrypt(vcenter.passwordEnc) === password;
    } catch {
      return false;
    }
  }
}
