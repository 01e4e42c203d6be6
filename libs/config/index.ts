export * from './app-configs';
export * from './config-key.decorator';
export * from './config-loader';
export * from './sections';
