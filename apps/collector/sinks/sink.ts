/** Line protocol on its way to a sink: UTF-8, newline-terminated, timestamps in seconds. */
export interface LineBatch {
  lines: Buffer;
  lineCount: number;
}

/** A place samples go. `write` resolves once the sink has acknowledged the whole batch. */
export interface Sink {
  readonly name: string;
  write(batch: LineBatch): Promise<void>;
  close(): Promise<void>;
}

/**
 * A write that failed. Retryable failures (5xx, 429, timeouts, refused connections) are tried again
 * with backoff, honouring Retry-After; others (400, 401, 413, …) are logged with their line count
 * and dropped, since sending the same lines again cannot succeed.
 */
export class SinkError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** From a Retry-After header, in milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SinkError';
  }
}

export function retryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Retry-After in seconds (the only form InfluxDB and VictoriaMetrics send), as milliseconds. */
export function retryAfterMs(header: string | string[] | undefined | null): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}

/** Network-level failures worth retrying: the server is down, restarting or unreachable. */
export function isNetworkError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (
    code !== undefined &&
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'EPIPE',
      'ETIMEDOUT',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'ENOTFOUND',
      'EAI_AGAIN',
      'UND_ERR_SOCKET',
    ].includes(code)
  );
}
