import { HttpException, HttpStatus } from '@nestjs/common';

const ERROR_NAMES: Partial<Record<HttpStatus, string>> = {
  [HttpStatus.BAD_REQUEST]: 'Bad Request',
  [HttpStatus.FORBIDDEN]: 'Forbidden',
  [HttpStatus.NOT_FOUND]: 'Not Found',
  [HttpStatus.CONFLICT]: 'Conflict',
  [HttpStatus.GONE]: 'Gone',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'Payload Too Large',
};

/**
 * A 4xx naming the field at fault, in the shape of the validation pipe's 400:
 * `{ statusCode, error, message, fields: [{ field, problems }] }`.
 */
export class FieldError extends HttpException {
  constructor(status: HttpStatus, field: string, problem: string, extra: Record<string, unknown> = {}) {
    super(
      {
        statusCode: status,
        error: ERROR_NAMES[status],
        message: problem,
        fields: [{ field, problems: [problem] }],
        ...extra,
      },
      status,
    );
  }
}

export const badRequest = (field: string, problem: string): FieldError =>
  new FieldError(HttpStatus.BAD_REQUEST, field, problem);
export const notFound = (field: string, problem: string): FieldError =>
  new FieldError(HttpStatus.NOT_FOUND, field, problem);
export const conflict = (field: string, problem: string): FieldError =>
  new FieldError(HttpStatus.CONFLICT, field, problem);
