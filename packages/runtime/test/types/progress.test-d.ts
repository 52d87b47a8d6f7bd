/**
 * Type-level tests of the progress record: the promises another engine builds against.
 * Checked by `tsc` (npm run typecheck), not executed.
 */
import { expectTypeOf } from 'vitest';
import type {
  EventTimeProgress,
  MetricsListener,
  QueryProgress,
  SourceBacklog,
  SourceProgress,
  SourceReader,
} from '../../src/index.js';
import { progressJson, progressText } from '../../src/index.js';

// Spark's StreamingQueryProgress fields, per query and per source.
expectTypeOf<QueryProgress['inputRowsPerSecond']>().toEqualTypeOf<number>();
expectTypeOf<QueryProgress['processedRowsPerSecond']>().toEqualTypeOf<number>();
expectTypeOf<QueryProgress['durationMs']>().toEqualTypeOf<number>();
expectTypeOf<QueryProgress['triggerIntervalMs']>().toEqualTypeOf<number | null>();
expectTypeOf<QueryProgress['sources']>().toEqualTypeOf<readonly SourceProgress[]>();
expectTypeOf<QueryProgress['eventTime']>().toEqualTypeOf<EventTimeProgress | null>();
expectTypeOf<SourceProgress['inputRowsPerSecond']>().toEqualTypeOf<number>();
expectTypeOf<SourceProgress['limitedBy']>().toEqualTypeOf<string | null>();
expectTypeOf<EventTimeProgress['lagMs']>().toEqualTypeOf<number | null>();

// The record is read-only data.
declare const p: QueryProgress;
// @ts-expect-error progress records are immutable
p.batchId = 2;
// @ts-expect-error a source list cannot be pushed to
p.sources.push({} as SourceProgress);

// Renderers take the record alone.
expectTypeOf(progressText).parameters.toEqualTypeOf<[QueryProgress]>();
expectTypeOf(progressJson).returns.toEqualTypeOf<string>();
expectTypeOf<MetricsListener['onProgress']>().parameters.toEqualTypeOf<[QueryProgress]>();

// A source may tell its backlog; the method is optional.
expectTypeOf<SourceReader['backlog']>().toEqualTypeOf<
  | ((
      end: import('../../src/index.js').Offset,
    ) => SourceBacklog | null | Promise<SourceBacklog | null>)
  | undefined
>();
