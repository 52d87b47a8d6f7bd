import { type Issue, type IssuePath, PipekitError } from '../errors/pipekit-error.js';

/** Line and column (both 1-based) of a 0-based offset in `text`. */
export function lineColumnAt(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

/** The line holding `position`, and a caret under the offending character. */
function caretSnippet(text: string, position: number, column: number): string {
  const start = text.lastIndexOf('\n', position - 1) + 1;
  const endAt = text.indexOf('\n', position);
  const line = text.slice(start, endAt === -1 ? text.length : endAt);
  return `  ${line}\n  ${' '.repeat(column - 1)}^`;
}

/**
 * A Spark SQL expression that could not be parsed. The message names the position as
 * `line:column` and draws a caret under the offending character, because the text usually comes
 * from a legacy config or a template string where a bare offset is hard to find.
 */
export class SqlParseError extends PipekitError {
  /** The whole expression text. */
  readonly text: string;
  /** 0-based offset of the offending character (`text.length` for "end of input"). */
  readonly position: number;
  readonly line: number;
  readonly column: number;
  /** The reason without position, e.g. `unexpected ')'`. */
  readonly reason: string;

  constructor(text: string, position: number, reason: string) {
    const { line, column } = lineColumnAt(text, position);
    super(`${reason} at ${line}:${column}\n${caretSnippet(text, position, column)}`);
    this.text = text;
    this.position = position;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }

  /** This error as an issue at `path`, for callers that collect problems instead of throwing. */
  toIssue(path: IssuePath = []): Issue {
    return {
      path,
      message: `${this.reason} at ${this.line}:${this.column} in ${JSON.stringify(this.text)}`,
    };
  }
}
