import {
  type BuilderNode,
  type ExprOf,
  type JoinType,
  type Pipeline,
  type PolicyInput,
  type QueryOptions,
  type SinkSpec,
  source,
  type WindowSpec,
} from '@pipekit/core';
import type { SourceType } from './ir.js';

/**
 * The builders as the converter calls them: with names only known at run time. The typed API
 * checks column names at compile time; here the builders' own checks (the same ones) run instead.
 */
export interface LooseStream {
  readonly node: BuilderNode;
  filter(predicate: ExprOf<boolean | null>): LooseStream;
  watermark(column: string, delay: number): LooseStream;
  window(spec: WindowSpec, options?: { column?: string }): LooseGrouped;
  groupBy(...keys: string[]): LooseGrouped;
  join(
    right: LooseStream,
    options: {
      on: { left: string[]; right: string[] };
      type?: JoinType;
      lookup?: true | { refresh: number };
    },
  ): LooseStream;
  cache(): LooseStream;
  repartition(partitions: number, ...columns: string[]): LooseStream;
  coalesce(partitions: number): LooseStream;
  as(name: string): LooseStream;
  lateRows(): LooseStream;
  to(sink: SinkSpec, query?: QueryOptions): Pipeline;
}

export interface LooseGrouped {
  groupBy(...keys: string[]): LooseGrouped;
  aggregate(
    aggregates: Record<string, { fn: string; column: string | undefined }>,
    options?: { late?: PolicyInput; stateTimeout?: number },
  ): LooseStream;
}

type SourceCall = (options: Record<string, unknown>) => unknown;

/** `source.kafka(options)` and the others, by type. */
export function openSource(type: SourceType, options: Record<string, unknown>): LooseStream {
  const call = (source as unknown as Record<SourceType, SourceCall>)[type];
  return call(options) as LooseStream;
}
