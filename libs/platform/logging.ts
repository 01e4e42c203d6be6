import type { Params } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import type { LogLevel } from '@vcc/config';

/**
 * One JSON object per line: level, time, app, message, context (and any fields a call adds).
 * Request lines are logged at debug, or warn/error for 4xx/5xx; credentials are redacted.
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
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'] },
      serializers: {
        req: (req: { method: string; url: string; id: unknown }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}
