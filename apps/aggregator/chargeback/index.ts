export { aggregateDay, aggregateMonth, ChargebackInputError } from './chargeback';
export type { AggregationResult, MonthlySource } from './chargeback';
