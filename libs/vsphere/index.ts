export * from './default-counters';
export * from './inventory.types';
