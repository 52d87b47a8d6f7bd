import { fits, lineWidth } from './code.js';
import { wrap } from './wrap.js';

/** One `.method(...)` of a chain, with the comments shown above it. */
export interface Segment {
  readonly comments: readonly string[];
  readonly code: (indent: number) => string;
}

export interface Chain {
  readonly head: string;
  readonly segments: readonly Segment[];
  /** Comments for the statement the chain starts (its source's judgement calls). */
  readonly leading: readonly string[];
}

export const pad = (n: number) => ' '.repeat(n);
export const segment = (
  code: string | ((indent: number) => string),
  comments: readonly string[] = [],
): Segment => ({
  comments,
  code: typeof code === 'string' ? () => code : code,
});

/** A chain on one line when it is short, else one call a line. */
export function render(chain: Chain, indent: number, lead: number): string {
  const inline = chain.segments.every((s) => s.comments.length === 0) && chain.segments.length <= 2;
  if (inline) {
    const flat = chain.head + chain.segments.map((s) => s.code(indent)).join('');
    if (
      fits(flat, indent + lead) ||
      (chain.segments.length === 1 &&
        !flat.split('\n')[0]!.endsWith('(') &&
        fits(flat.split('\n')[0]!, indent + lead))
    )
      return flat;
    if (chain.segments.length === 1) {
      const only = chain.head + chain.segments[0]!.code(indent);
      if (fits(only.split('\n')[0]!, indent + lead)) return only;
    }
  }
  const lines = chain.segments.map(
    (s) => `${commentLines(s.comments, indent + 2)}${pad(indent + 2)}${s.code(indent + 2)}`,
  );
  return `${chain.head}\n${lines.join('\n')}`;
}

export function commentLines(comments: readonly string[], indent: number): string {
  return comments
    .flatMap((c) => wrap(c, lineWidth - indent - 3))
    .map((c) => `${pad(indent)}// ${c.trim()}\n`)
    .join('');
}
