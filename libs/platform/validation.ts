import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

export interface FieldProblem {
  field: string;
  problems: string[];
}

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
 * Every request body, query and path parameter is validated; unknown fields are rejected.
 * A 400 names each bad field: { statusCode, error, message, fields: [{ field, problems }] }.
 */
export function strictValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fields = fieldProblems(errors);
      return new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: fields.flatMap((f) => f.problems).join('; '),
        fields,
      });
    },
  });
}
