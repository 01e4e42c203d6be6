export * from './aggregator.config';
export * from './base-app.config';
export * from './collector.config';
export * from './controller.config';
export * from './simulator.config';
export * from './config-key.decorator';
export * from './config-loader';
export * from './sections';
