import { type Logger, type LoggerOptions, pino } from 'pino';

/**
 * Paths pino blanks out in every log record. Plans hold only secret references, never values;
 * this is the second line of defence for values a connector might put into a log object.
 */
export const redactPaths = [
  'password',
  '*.password',
  '*.*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'credentials',
  '*.credentials',
  '*.sasl.password',
  'connection.password',
  'headers.authorization',
];

/** A pino logger writing JSON to stderr (fd 2), with secrets redacted. */
export function createLogger(options: { level?: LoggerOptions['level'] } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'warn',
      redact: { paths: redactPaths, censor: '[redacted]' },
      base: null,
    },
    pino.destination(2),
  );
}
