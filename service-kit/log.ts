import { pino, type Logger } from 'pino';

export interface LoggerOptions {
  /** Default: TESSERA_LOG_LEVEL, else `info`. */
  level?: string;
  /** 1 (stdout) for a service; 2 (stderr) for a CLI whose stdout is its answer. */
  fd?: 1 | 2;
}

/**
 * JSON logs, every line naming the service that wrote it: the name is required, so two services
 * logging side by side (`npm start`) can never be told apart only by guessing. Secrets and tokens
 * never reach a log line: `redact` is the backstop.
 */
export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.TESSERA_LOG_LEVEL ?? 'info',
      base: { service },
      redact: {
        paths: [
          'secret',
          'token',
          '*.secret',
          '*.token',
          'authorization',
          '*.authorization',
          'headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    // Asynchronous: lines written while a write is in flight go out together in one syscall,
    // instead of one synchronous write per request on the request path. pino flushes on exit.
    pino.destination({ fd: options.fd ?? 1, sync: false }),
  );
}
export type { Logger };
