import { formatPath, type IssuePath } from '@pipekit/core';

/** Where in a legacy config something is: `steps[2].config.trigger`, or the whole file when empty. */
export function formatLocation(file: string, path: IssuePath): string {
  return path.length === 0 ? file : `${file}: ${formatPath(path)}`;
}

/**
 * A config the converter cannot turn into code: names the file, the JSON path, what is wrong and
 * what would be accepted. Errors are data; `message` is the one way they are worded.
 */
export class ConvertError extends Error {
  override readonly name = 'ConvertError';

  constructor(
    readonly file: string,
    readonly path: IssuePath,
    readonly what: string,
    readonly supported?: string,
    /** More lines: the offending text with a caret under the error. */
    readonly detail?: string,
  ) {
    const head = `${formatLocation(file, path)}: ${what}${supported === undefined ? '' : ` (supported: ${supported})`}`;
    super(detail === undefined ? head : `${head}\n${detail}`);
  }
}

export type WarningKind = 'notCarriedOver' | 'check';

/** Something the user must know about a converted file: a setting that did not carry over, or a guess to check. */
export interface ConvertWarning {
  readonly kind: WarningKind;
  readonly path: IssuePath;
  readonly message: string;
}

/** `not carried over: minPartitions (...) at steps/x.json:steps[0].config.minPartitions` */
export function formatWarning(file: string, w: ConvertWarning): string {
  const where = w.path.length === 0 ? file : `${file}:${formatPath(w.path)}`;
  return `${w.kind === 'notCarriedOver' ? 'not carried over: ' : ''}${w.message} at ${where}`;
}
