/** A SOAP fault from vCenter, e.g. NotAuthenticated, InvalidArgument, MethodNotFound. */
export class VimFaultError extends Error {
  constructor(
    /** The fault's type name from the detail's xsi:type (e.g. `NotAuthenticated`), or the faultcode. */
    readonly faultType: string,
    /** vCenter's faultstring, e.g. "The session is not authenticated." */
    readonly faultString: string,
    /** Fault-specific fields from the detail, e.g. `invalidProperty` for InvalidArgument. */
    readonly detail: Record<string, string> = {},
  ) {
    super(`${faultType}: ${faultString}`);
    this.name = 'VimFaultError';
  }
}

/** The session is gone (expired, terminated, logged out): log in again and retry once. */
export function isNotAuthenticated(error: unknown): boolean {
  return error instanceof VimFaultError && error.faultType === 'NotAuthenticated';
}

/** A call that did not finish within its timeout. */
export class VimTimeoutError extends Error {
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`${operation} did not answer within ${timeoutMs} ms`);
    this.name = 'VimTimeoutError';
  }
}

/** vCenter could not be reached, or answered with something that is not a SOAP response. */
export class VimTransportError extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'VimTransportError';
  }
}

/** Worth retrying later: timeouts, connection failures, 5xx without a SOAP fault, vCenter busy. */
export function isTransient(error: unknown): boolean {
  if (error instanceof VimTimeoutError) return true;
  if (error instanceof VimTransportError) return error.statusCode === undefined || error.statusCode >= 500;
  return (
    error instanceof VimFaultError &&
    ['HostCommunication', 'SystemError', 'RequestCanceled'].includes(error.faultType)
  );
}

/**
 * A vSphere error as plain data, for crossing a worker-thread boundary: structured cloning keeps
 * only an Error's message, so the type and its fields travel here and are rebuilt on the other side.
 */
export type VimErrorData =
  | { kind: 'fault'; faultType: string; faultString: string; detail: Record<string, string> }
  | { kind: 'timeout'; operation: string; timeoutMs: number }
  | { kind: 'transport'; message: string; statusCode?: number; code?: string };

/** The plain form of a vSphere error; undefined for any other error (a bug, not vCenter). */
export function vimErrorData(error: unknown): VimErrorData | undefined {
  if (error instanceof VimFaultError)
    return {
      kind: 'fault',
      faultType: error.faultType,
      faultString: error.faultString,
      detail: error.detail,
    };
  if (error instanceof VimTimeoutError)
    return { kind: 'timeout', operation: error.operation, timeoutMs: error.timeoutMs };
  if (error instanceof VimTransportError)
    return { kind: 'transport', message: error.message, statusCode: error.statusCode, code: error.code };
  return undefined;
}

/** The typed error again, from its plain form. */
export function vimErrorFrom(data: VimErrorData): VimFaultError | VimTimeoutError | VimTransportError {
  switch (data.kind) {
    case 'fault':
      return new VimFaultError(data.faultType, data.faultString, data.detail);
    case 'timeout':
      return new VimTimeoutError(data.operation, data.timeoutMs);
    case 'transport':
      return new VimTransportError(data.message, data.statusCode, data.code);
  }
}
