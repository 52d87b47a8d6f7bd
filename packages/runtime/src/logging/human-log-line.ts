/**
 * One pino record as a person reads it on a terminal: `kafka_1: broker 127.0.0.1:9 refused the
 * connection (attempt 2 of 16, next in 4 s)`. The node (or the pipeline) that logged it comes
 * first; plain fields follow in parentheses; object fields (a library's internals, structured
 * retry facts) are for JSON logs and appear only at debug level.
 */

/** The keys every record has, shown in the line's head or not at all. */
const headKeys = new Set(['level', 'time', 'msg', 'pipeline', 'node', 'pid', 'hostname', 'err']);

const levelNames: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

function plain(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** The text of a pino record (parsed JSON) as one line, newline included. */
export function humanLogLine(record: Readonly<Record<string, unknown>>): string {
  const level = typeof record.level === 'number' ? record.level : 30;
  const debug = level < 30;
  const who = String(record.node ?? record.pipeline ?? 'pipe');
  const tag = level >= 50 ? 'error: ' : debug ? `${levelNames[level] ?? 'debug'}: ` : '';
  const err = record.err as { message?: unknown } | string | undefined;
  const errText =
    err === undefined ? '' : `: ${typeof err === 'string' ? err : String(err.message ?? '')}`;
  const fields = Object.entries(record)
    .filter(([k, v]) => !headKeys.has(k) && v !== undefined && (debug || plain(v)))
    .map(([k, v]) => `${k}=${plain(v) ? String(v) : JSON.stringify(v)}`);
  const tail = fields.length > 0 ? ` (${fields.join(', ')})` : '';
  return `${who}: ${tag}${String(record.msg ?? '')}${errText}${tail}\n`;
}

/**
 * A pino destination that writes records as human lines to `out` (stderr). pino hands it each
 * record as a JSON line; a line that is not JSON passes as it is.
 */
export function humanLogStream(out: NodeJS.WritableStream): { write(line: string): void } {
  // On a terminal the progress line is drawn in place: clear it first, the next batch redraws it.
  const clear = (out as { isTTY?: boolean }).isTTY === true ? '\r\x1b[2K' : '';
  return {
    write(line: string) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      out.write(`${clear}${humanLogLine(record)}`);
    },
  };
}
