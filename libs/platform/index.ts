export * from './exception.filter';
export * from './field.error';
export * from './health.controller';
export * from './run-app';
export * from './validation';
export * from './metrics.controller';
export * from './openapi';
export * from './public-route';
