export * from './counters';
export * from './cycle';
export * from './events';
export * from './inventory';
export * from './membership';
