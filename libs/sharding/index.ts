export * from './shard';
