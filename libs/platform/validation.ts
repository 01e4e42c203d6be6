import {
  BadRequestException,
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationError,
} from '@nestjs/common';
import { IsInt, IsISO8601, Max, Min, registerDecorator } from 'class-validator';

export interface FieldProblem {
  field: string;
  problems: string[];
}

/**
 * Deepest nesting of objects and arrays accepted in any request. The deepest DTO is three levels
 * (an event's `fields` a few more); class-transformer and class-validator recurse per level, so an
 * unbounded depth would exhaust the stack.
 */
export const MAX_INPUT_DEPTH = 32;

/** PostgreSQL's `integer`, which every integer field of the API is stored in unless it says otherwise. */
export const INT32_MAX = 2_147_483_647;

/** Flattens class-validator errors into one entry per field, with dotted paths for nested fields. */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints
      ? [
          {
            field,
            problems: Object.entries(error.constraints).map(([name, message]) =>
              name === 'whitelistValidation' ? `${field} is not an accepted field` : message,
            ),
          },
        ]
      : [];
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

/**
 * The rules every value of every request obeys, whatever its DTO says, because PostgreSQL or the
 * validators themselves cannot take it: no NUL character in a string or key (PostgreSQL's text and
 * jsonb refuse it), no number beyond what JavaScript holds exactly, no nesting deeper than
 * MAX_INPUT_DEPTH. Returns the first problem found, or undefined.
 */
export function inputProblem(value: unknown, field = '', depth = 0): FieldProblem | undefined {
  const named = field || 'body';
  if (typeof value === 'string') {
    return value.includes('\0')
      ? { field: named, problems: [`${named} must not contain NUL characters`] }
      : undefined;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER
      ? undefined
      : { field: named, problems: [`${named} must be a number within ±${Number.MAX_SAFE_INTEGER}`] };
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= MAX_INPUT_DEPTH) {
    return { field: named, problems: [`${named} is nested deeper than ${MAX_INPUT_DEPTH} levels`] };
  }
  for (const [key, child] of Object.entries(value)) {
    const path = field ? `${field}.${key}` : key;
    if (key.includes('\0'))
      return { field: path, problems: [`${path}: field names must not contain NUL characters`] };
    const problem = inputProblem(child, path, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

function badRequest(fields: FieldProblem[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: fields.flatMap((f) => f.problems).join('; '),
    fields,
  });
}

/** An integer that fits PostgreSQL's `integer` column: -2^31 .. 2^31-1. */
export function IsInt32(): PropertyDecorator {
  return (target, key) => {
    IsInt()(target, key);
    Min(-INT32_MAX - 1)(target, key);
    Max(INT32_MAX)(target, key);
  };
}

/**
 * A date-time in strict ISO 8601 between 1970 and 2100: enough for anything vCenter or a collector
 * reports, and far from the ends where JavaScript writes years with six digits that PostgreSQL
 * does not read back (a monthly partition for December 9999 ends in year 10000).
 */
export function IsTimestamp(): PropertyDecorator {
  return (target, propertyName) => {
    IsISO8601({ strict: true })(target, propertyName);
    registerDecorator({
      name: 'isTimestamp',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property must be between 1970 and 2100' },
      validator: {
        validate: (value: unknown) => {
          const time = typeof value === 'string' ? Date.parse(value) : NaN;
          return time >= 0 && time < Date.UTC(2100, 0, 1);
        },
      },
    });
  };
}

/**
 * Every request body, query and path parameter is validated; unknown fields are rejected.
 * A 400 names each bad field: { statusCode, error, message, fields: [{ field, problems }] }.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const problem = inputProblem(value);
      if (problem) throw badRequest([problem]);
    }
    return super.transform(value, metadata);
  }
}

export function strictValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) => badRequest(fieldProblems(errors)),
  });
}
