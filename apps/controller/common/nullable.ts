import { ValidateIf } from 'class-validator';

/** The field must be present; null is accepted and skips its other validators. */
export const Nullable = (): PropertyDecorator => ValidateIf((_object, value) => value !== null);

/**
 * The field may be left out, but null is not a value for it: unlike IsOptional, null goes on to
 * the other validators and fails them. For fields stored NOT NULL, so that a PATCH cannot try to
 * store a null.
 */
export const Optional = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);
