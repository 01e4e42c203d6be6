export * from './exception.filter';
export * from './health.controller';
export * from './run-app';
export * from './validation';
export * from './metrics.controller';
export * from './public-route';
