// The controller's routes import these from here; they are shared with the aggregator.
export { FieldError, badRequest, conflict, notFound } from '@vcc/platform';
