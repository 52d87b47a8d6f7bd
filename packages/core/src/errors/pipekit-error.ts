/** A path into a plan, a config or options: `['nodes', 2, 'window', 'size']`. */
export type IssuePath = readonly (string | number)[];

/** One problem found in user input. Errors are data; `formatIssues` is the one place that words them. */
export interface Issue {
  readonly path: IssuePath;
  readonly message: string;
  /** What to do about it, when we know. */
  readonly fix?: string;
}

/** `nodes[2].window.size` */
export function formatPath(path: IssuePath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** Issues as people read them, one a line: `nodes[2].window.size: must be positive (fix)`. */
export function formatIssues(issues: readonly Issue[]): string {
  return issues
    .map((i) => {
      const where = i.path.length > 0 ? `${formatPath(i.path)}: ` : '';
      return `${where}${i.message}${i.fix ? ` (${i.fix})` : ''}`;
    })
    .join('\n');
}

/**
 * The error for bad user input: a pipeline definition, options, a plan file, a legacy config.
 * `source` names the file or the builder call it came from.
 */
export class PipekitError extends Error {
  override readonly name = 'PipekitError';
  /** What is wrong, in one line, without the source and the issues. */
  readonly summary: string;
  readonly issues: readonly Issue[];
  readonly source: string | undefined;

  constructor(summary: string, issues: readonly Issue[] = [], source?: string) {
    const head = source ? `${source}: ${summary}` : summary;
    super(issues.length > 0 ? `${head}\n${formatIssues(issues)}` : head);
    this.summary = summary;
    this.issues = issues;
    this.source = source;
  }

  /** The same error found inside a larger input: its paths under `path`, its source `source`. */
  within(path: IssuePath, source?: string): PipekitError {
    return new PipekitError(
      this.summary,
      this.issues.map((i) => ({ ...i, path: [...path, ...i.path] })),
      source ?? this.source,
    );
  }
}
