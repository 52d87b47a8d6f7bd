import { type Logger, type LoggerOptions, pino } from 'pino';
import { humanLogStream } from './human-log-line.js';

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

export interface LoggerSettings {
  /** pino level; `warn` when absent. */
  readonly level?: LoggerOptions['level'];
  /**
   * `json` (default): one JSON record a line, for log collectors. `human`: one readable line a
   * record (`node: message (field=value)`), for a person at a terminal (`pipe run` without --json).
   */
  readonly format?: 'json' | 'human';
  /** Where the lines go; stderr (fd 2) when absent. */
  readonly out?: NodeJS.WritableStream;
}

/** A pino logger writing to stderr, with secrets redacted. */
export function createLogger(options: LoggerSettings = {}): Logger {
  const settings: LoggerOptions = {
    level: options.level ?? 'warn',
    redact: { paths: redactPaths, censor: '[redacted]' },
    base: null,
  };
  if (options.format === 'human')
    return pino(settings, humanLogStream(options.out ?? process.stderr));
  return pino(settings, options.out ?? pino.destination(2));
}
