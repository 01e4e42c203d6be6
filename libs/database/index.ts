export * from './data-source';
export * from './database.module';
export * from './database.resource';
export * from './embedded-postgres';
export * from './entities/vcenter.entity';
export * from './migrate';
export * from './partitions';
