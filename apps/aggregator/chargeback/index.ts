export { aggregateDay, aggregateMonth, ChargebackInputError } from './chargeback';
export type { AggregationResult, MonthlySource } from './chargeback';
export { SUMMARY_COLUMN_NAMES } from './vm-summary.sql';
