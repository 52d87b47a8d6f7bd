import type { SourceReader } from '../connector.js';

/**
 * The reader as the trigger loop calls it: every error of its calls goes through `wrap` (which
 * names the node), as errors inside the graph do. Methods it lacks stay absent.
 */
export function nodeErrors(reader: SourceReader, wrap: (e: unknown) => unknown): SourceReader {
  const guard =
    <A extends unknown[], R>(f: (...a: A) => R) =>
    (...a: A): R => {
      try {
        const r = f(...a);
        return (
          r instanceof Promise
            ? r.catch((e: unknown) => {
                throw wrap(e);
              })
            : r
        ) as R;
      } catch (e) {
        throw wrap(e);
      }
    };
  const prepare = reader.prepareForAvailableNow;
  const backlog = reader.backlog;
  return {
    initialOffset: guard(() => reader.initialOffset()),
    planBatch: guard((start, limits) => reader.planBatch(start, limits)),
    readBatch: guard((start, end) => reader.readBatch(start, end)),
    commit: guard((end) => reader.commit(end)),
    isExhausted: guard((offset) => reader.isExhausted(offset)),
    ...(prepare ? { prepareForAvailableNow: guard(() => prepare.call(reader)) } : {}),
    ...(backlog ? { backlog: guard((end) => backlog.call(reader, end)) } : {}),
    close: guard(() => reader.close()),
  };
}
