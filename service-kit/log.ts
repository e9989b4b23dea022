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
    // Synchronous: a line written is out of the process, even when it is killed. An asynchronous
    // destination showed no gain in paired bench:tokens runs (bench/profiles/README.md).
    pino.destination({ fd: options.fd ?? 1, sync: true }),
  );
}
export type { Logger };
