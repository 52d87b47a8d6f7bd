import { commentLines, type Emit, fitsAt, token } from './emit.js';

/** One `.method(...)` of a chain, with the comments shown above it. */
export interface Segment {
  readonly comments: readonly string[];
  readonly emit: Emit;
}

export interface Chain {
  readonly head: Emit;
  readonly segments: readonly Segment[];
  /** Comments for the statement the chain starts (its source's judgement calls). */
  readonly leading: readonly string[];
}

export const segment = (emit: Emit, comments: readonly string[] = []): Segment => ({
  comments,
  emit,
});

/** A chain starting at a name (`source`, a variable). */
export const chainAt = (name: string, segments: readonly Segment[] = []): Chain => ({
  head: token(name),
  segments,
  leading: [],
});

/**
 * A fluent chain: on its line when it is short (two calls at most) and fits, else one call a
 * line, each under its comments. Biome keeps the choice where its own rules allow both.
 */
export function chainEmit(chain: Chain): Emit {
  const flat: Emit = (w) => {
    chain.head(w);
    for (const s of chain.segments) s.emit(w);
  };
  return (w) => {
    const short =
      chain.segments.length <= 2 && chain.segments.every((s) => s.comments.length === 0);
    if (short && (chain.segments.length === 1 || fitsAt(w, flat))) return flat(w);
    chain.head(w);
    w.withIndentationLevel(w.getIndentationLevel() + 1, () => {
      for (const s of chain.segments) {
        w.newLine();
        commentLines(s.comments)(w);
        s.emit(w);
      }
    });
  };
}
