import type {
  AggregateFn,
  ExprNode,
  Field,
  IssuePath,
  JoinType,
  OutputMode,
  Policy,
  Trigger,
  WindowSpec,
} from '@pipekit/core';

/** A step's index in `Flow.steps`: steps only read earlier ones. */
export type Ref = number;

/**
 * A legacy pipeline once its dialect is understood: the steps the builders will be called with,
 * each remembering where in the config it came from. Dialects produce it; `build` turns it into a
 * plan; nothing else reads it.
 */
export interface Flow {
  readonly name: string;
  readonly dialect: Dialect;
  readonly steps: readonly Step[];
  readonly late?: Policy;
  readonly badRecords?: Policy;
}

export type Dialect = 'steps' | 'etl' | 'nodes';

interface StepBase {
  /** Where the step is in the legacy config. */
  readonly path: IssuePath;
  /** The stream's name (`registerAs`): `.as(name)` and a variable in the code. */
  readonly name?: string;
  /** Judgement calls the converter made here, shown as comments above the step. */
  readonly comments?: readonly string[];
}

export type SourceType = 'kafka' | 'postgres' | 'delta' | 'file' | 'generate' | 'memory';

/** How columns of a source without a declared schema are found. */
export type Inference =
  /** Records carry no schema (Kafka JSON, JSON/CSV files): infer from use, or read raw Kafka bytes. */
  | 'records'
  /** The source has its own schema: infer only when typed steps need column types. */
  | 'whenTyped'
  | 'never';

export interface SourceStep extends StepBase {
  readonly kind: 'source';
  readonly type: SourceType;
  /** The builder's options, `schema` aside. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly fields: readonly Field[] | null;
  readonly inference: Inference;
  /** A name for the zod schema constant. */
  readonly schemaName: string;
}

export interface FilterStep extends StepBase {
  readonly kind: 'filter';
  readonly input: Ref;
  readonly condition: ExprNode;
  /** The condition as the config wrote it. */
  readonly text: string;
}

export interface WatermarkStep extends StepBase {
  readonly kind: 'watermark';
  readonly input: Ref;
  readonly column: string;
  readonly delay: number;
}

export interface AggregateItem {
  readonly name: string;
  readonly fn: AggregateFn;
  readonly column?: string;
}

export interface AggregateStep extends StepBase {
  readonly kind: 'aggregate';
  readonly input: Ref;
  readonly keys: readonly string[];
  readonly window?: { readonly spec: WindowSpec; readonly column?: string };
  readonly aggregates: readonly AggregateItem[];
  readonly late?: Policy;
  readonly stateTimeout?: number;
}

export interface JoinStep extends StepBase {
  readonly kind: 'join';
  readonly left: Ref;
  readonly right: Ref;
  readonly joinType: JoinType;
  readonly on: { readonly left: readonly string[]; readonly right: readonly string[] };
}

export type Hint =
  | { readonly type: 'cache' }
  | {
      readonly type: 'repartition';
      readonly partitions: number;
      readonly columns: readonly string[];
    }
  | { readonly type: 'coalesce'; readonly partitions: number };

export interface HintStep extends StepBase {
  readonly kind: 'hint';
  readonly input: Ref;
  readonly hint: Hint;
}

export interface LateRowsStep extends StepBase {
  readonly kind: 'lateRows';
  readonly input: Ref;
}

export interface QueryDraft {
  readonly trigger?: Trigger;
  readonly outputMode?: OutputMode;
  readonly checkpoint?: string;
  readonly queryName?: string;
}

export interface SinkStep extends StepBase {
  readonly kind: 'sink';
  readonly input: Ref;
  /** The sink's options with its `type`, as `sinks.x(...)` takes them. */
  readonly sink: Readonly<Record<string, unknown>> & { readonly type: SinkKind };
  readonly query: QueryDraft;
  /** Where the config set the output mode, for errors about it. */
  readonly outputModePath?: IssuePath;
  /** A variable for this query (a streaming node's name). */
  readonly variable?: string;
}

export type SinkKind = 'delta' | 'kafka' | 'postgres' | 'file' | 'console' | 'memory';

export type Step =
  | SourceStep
  | FilterStep
  | WatermarkStep
  | AggregateStep
  | JoinStep
  | HintStep
  | LateRowsStep
  | SinkStep;

/** The refs a step reads. */
export function inputsOf(step: Step): Ref[] {
  switch (step.kind) {
    case 'source':
      return [];
    case 'join':
      return [step.left, step.right];
    default:
      return [step.input];
  }
}
