import {
  BadRequestException,
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationError,
} from '@nestjs/common';
import { Transform } from 'class-transformer';
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
    // forbidUnknownValues reports a value of no known class (an array inside `events`) with no property.
    const field =
      error.property === undefined
        ? parent || 'body'
        : parent
          ? `${parent}.${error.property}`
          : error.property;
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

/** A problem found in a value: the keys leading to it, innermost first, and its message for a field name. */
interface Found {
  keys: string[];
  message: (field: string) => string;
}

/**
 * The rules every value of every request obeys, whatever its DTO says, because PostgreSQL or the
 * validators themselves cannot take it: no NUL character in a string or key (PostgreSQL's text and
 * jsonb refuse it), no number beyond what JavaScript holds exactly, no nesting deeper than
 * MAX_INPUT_DEPTH. Returns the first problem found, or undefined.
 */
export function inputProblem(value: unknown): FieldProblem | undefined {
  const found = findProblem(value, 0);
  if (!found) return undefined;
  const field = found.keys.reverse().join('.') || 'body';
  return { field, problems: [found.message(field)] };
}

// One pass over every value of a request body (an event batch holds some 30,000): the field path
// is only built for the problem found, on the way back up.
function findProblem(value: unknown, depth: number): Found | undefined {
  if (typeof value === 'string') {
    return value.includes('\0')
      ? { keys: [], message: (field) => `${field} must not contain NUL characters` }
      : undefined;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER
      ? undefined
      : { keys: [], message: (field) => `${field} must be a number within ±${Number.MAX_SAFE_INTEGER}` };
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= MAX_INPUT_DEPTH) {
    return { keys: [], message: (field) => `${field} is nested deeper than ${MAX_INPUT_DEPTH} levels` };
  }
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (key.includes('\0'))
      return { keys: [key], message: (field) => `${field}: field names must not contain NUL characters` };
    const found = findProblem(object[key], depth + 1);
    if (found) {
      found.keys.push(key);
      return found;
    }
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
 * A query or path integer: decimal digits become a number, anything else stays a string for the
 * validators to refuse. `@Type(() => Number)` would read `0x10` as 16, `1e3` as 1000 and `` as 0.
 */
export function FromDecimalString(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value,
  );
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
 * A body DTO that makes its instances from the parsed JSON itself, in place, instead of through
 * class-transformer, which copies every object and looks up its metadata for every key: for an
 * event batch (a thousand events of five objects each) that copy cost as much of the event loop as
 * validating it (bench:events profile). `fromPlain` only gives the objects their classes; the
 * class-validator rules of the DTO still decide what is valid.
 */
export interface BuiltFromPlain {
  fromPlain(plain: Record<string, unknown>): object;
}

function builtFromPlain(metatype: unknown): metatype is BuiltFromPlain {
  return typeof (metatype as Partial<BuiltFromPlain> | undefined)?.fromPlain === 'function';
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
    if (
      metadata.type === 'body' &&
      builtFromPlain(metadata.metatype) &&
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value)
    ) {
      // ValidationPipe's own passes (sparse arrays, prototype keys) are not needed for a JSON body:
      // JSON has no array gaps and Fastify refuses `__proto__` and `constructor.prototype` keys.
      const entity = metadata.metatype.fromPlain(value as Record<string, unknown>);
      const errors = await this.validate(entity, this.validatorOptions);
      if (errors.length) throw await this.exceptionFactory(errors);
      return entity;
    }
    return super.transform(value, metadata);
  }
}

export function strictValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    // The 400 names fields and problems only; holding the objects on the errors would be waste.
    validationError: { target: false, value: false },
    transform: true,
    exceptionFactory: (errors) => badRequest(fieldProblems(errors)),
  });
}
