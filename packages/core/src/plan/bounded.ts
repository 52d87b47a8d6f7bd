import type { SourceSpec } from './sources/source-spec.js';

/** Whether a source ends by itself (a table, a file, a bounded read) or runs until stopped. */
export function isBoundedSource(s: SourceSpec): boolean {
  switch (s.type) {
    case 'kafka':
      return s.endingOffsets !== undefined;
    case 'postgres':
      return s.incremental === undefined;
    case 'delta':
      return !s.stream || s.endingVersion !== undefined;
    case 'file':
      return !s.watch;
    case 'generate':
      return s.limit !== undefined;
    case 'memory':
      return true;
    case 'kinesis':
    case 'socket':
      return false;
  }
}
