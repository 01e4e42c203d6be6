export * from './auth.module';
export * from './bearer-auth.guard';
export * from './bearer-auth.hook';
export * from './roles.decorator';
export * from './token-registry';
