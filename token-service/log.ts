import { pino, type Logger } from 'pino';

/** JSON logs on stdout. Secrets and tokens never reach a log line: `redact` is the backstop. */
export function createLogger(
  level = process.env.TESSERA_LOG_LEVEL ?? 'info',
  fd: 1 | 2 = 1,
  service = 'token-service',
): Logger {
  return pino(
    {
      level,
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
    pino.destination(fd),
  );
}
export type { Logger };
