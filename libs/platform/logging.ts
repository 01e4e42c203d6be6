import type { LoggerService } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type pino from 'pino';
import { stdTimeFunctions } from 'pino';
import type { LogLevel } from '@vcc/config';

/** Query parameters whose values are credentials (`?access_token=` is the OAuth convention). */
const SECRET_QUERY_PARAMETER =
  /^(access_token|token|password|passwd|secret|api_?key|key|auth|authorization)$/i;

/** The URL with the values of credential-bearing query parameters replaced by [REDACTED]. */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const parameters = url
    .slice(query + 1)
    .split('&')
    .map((parameter) => {
      const name = parameter.split('=', 1)[0];
      let decoded: string;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        decoded = name;
      }
      return SECRET_QUERY_PARAMETER.test(decoded.trim()) ? `${name}=[REDACTED]` : parameter;
    });
  return `${url.slice(0, query)}?${parameters.join('&')}`;
}

/**
 * One JSON object per line: level, time, app, message, context (and any fields a call adds).
 * Request lines are logged at debug, or warn/error for 4xx/5xx; credentials are redacted, in headers
 * and in query strings.
 */
export function loggerParams(app: string, level: LogLevel): Params {
  return {
    pinoHttp: {
      level,
      messageKey: 'message',
      base: { app },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      customLogLevel: (_req, res, err) => {
        if (err || res.statusCode >= 500) return 'error';
        return res.statusCode >= 400 ? 'warn' : 'debug';
      },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-collector-secret"]',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
        ],
      },
      serializers: {
        req: (req: { method: string; url: string; id: unknown }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}

/**
 * Nest's static Logger, routed to pino, for code that runs outside a Nest app (commands such as
 * `migrate` or the collector's --once), so that every line is JSON alike.
 */
export function nestLoggerFor(logger: pino.Logger): LoggerService {
  const write =
    (level: 'info' | 'error' | 'warn' | 'debug' | 'trace') =>
    (message: unknown, ...rest: unknown[]): void => {
      const context =
        typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
      logger[level]({ context }, String(message));
    };
  return {
    log: write('info'),
    error: write('error'),
    warn: write('warn'),
    debug: write('debug'),
    verbose: write('trace'),
  };
}
