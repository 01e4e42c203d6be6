export { aggregateDay, aggregateMonth } from './chargeback';
export type { AggregationResult, MonthlySource } from './chargeback';
