import { Injectable } from '@nestjs/common';
import { DataSource, In, type Repository } from 'typeorm';
import { VcenterEntity } from '@vcc/database';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// pg_advisory_lock key for importing the config file's vCenters: one replica at a time.
const IMPORT_LOCK = 7_366_453_002;

@Injectable()
export class VcenterRepository {
  private readonly vcenters: Repository<VcenterEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.vcenters = dataSource.getRepository(VcenterEntity);
  }

  list(): Promise<VcenterEntity[]> {
    return this.vcenters.find({ order: { name: 'ASC' } });
  }

  findById(id: string): Promise<VcenterEntity | null> {
    return this.vcenters.findOneBy({ id });
  }

  findByName(name: string): Promise<VcenterEntity | null> {
    return this.vcenters.findOneBy({ name });
  }

  /** Collectors and ingest name a vCenter by id or by name. */
  findByIdOrName(reference: string): Promise<VcenterEntity | null> {
    return UUID.test(reference) ? this.findById(reference) : this.findByName(reference);
  }

  findByIds(ids: string[]): Promise<VcenterEntity[]> {
    return ids.length ? this.vcenters.findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  /** Inserts and returns the stored row (id, epoch and timestamps filled in). */
  async insert(vcenter: Partial<VcenterEntity>): Promise<VcenterEntity> {
    const { identifiers } = await this.vcenters.insert(vcenter);
    return (await this.findById(identifiers[0].id as string))!;
  }

  /** Runs `work` while holding a session advisory lock, so that replicas import one at a time. */
  async withImportLock<T>(work: () => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [IMPORT_LOCK]);
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [IMPORT_LOCK]).catch(() => undefined);
      await runner.release();
    }
  }
}
