import { ValidateIf } from 'class-validator';

/** The field must be present; null is accepted and skips its other validators. */
export const Nullable = (): PropertyDecorator => ValidateIf((_object, value) => value !== null);
