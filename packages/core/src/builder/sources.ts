import type { z } from 'zod';
import { type PolicyInput, toPolicy } from '../plan/policy.js';
import { deltaSourceSchema } from '../plan/sources/delta-source.js';
import { fileSourceSchema } from '../plan/sources/file-source.js';
import { type GeneratedColumn, generateSourceSchema } from '../plan/sources/generate-source.js';
import { kafkaSourceSchema } from '../plan/sources/kafka-source.js';
import { memorySourceSchema } from '../plan/sources/memory-source.js';
import { postgresSourceSchema } from '../plan/sources/postgres-source.js';
import type { SourceSpec } from '../plan/sources/source-spec.js';
import type { Field, Schema } from '../schema/data-type.js';
import { parseSparkType } from '../schema/ddl.js';
import type { Row, RowOf, SchemaInput, Simplify } from '../schema/row-type.js';
import { toSchema } from '../schema/to-schema.js';
import type { Gen, GeneratedRow } from './generators.js';
import { parseOptions } from './options.js';
import { step } from './step.js';
import { BadRecordsAwareImpl } from './stream-impl.js';
import type { SourceStream } from './stream-types.js';

/** Options every source takes. */
export interface CommonSourceOptions<S> {
  /** The record type: a zod object, a Spark DDL string, or a field list. */
  readonly schema?: S;
  /** What happens to a record that cannot be read; the pipeline's policy when absent. */
  readonly badRecords?: PolicyInput;
  /** The stream's name in the plan and in `explain`. */
  readonly name?: string;
}

type Options<Spec extends z.ZodType, S> = Omit<z.input<Spec>, 'type'> & CommonSourceOptions<S>;
type RowOrAny<S> = [S] extends [undefined] ? Row : RowOf<S>;

function declare(spec: SourceSpec, schema: Schema | null, common: CommonSourceOptions<unknown>) {
  return new BadRecordsAwareImpl(
    step(
      {
        kind: 'source',
        source: spec,
        schema,
        ...(common.name === undefined ? {} : { name: common.name }),
        ...(common.badRecords === undefined ? {} : { badRecords: toPolicy(common.badRecords) }),
      },
      [],
    ),
  );
}

function build<Spec extends z.ZodType>(
  type: string,
  schema: Spec,
  options: object,
  derive?: (spec: z.output<Spec>, declared: Schema | null) => Schema | null,
) {
  const {
    schema: rowSchema,
    badRecords,
    name,
    ...rest
  } = options as CommonSourceOptions<SchemaInput> & Record<string, unknown>;
  const spec = parseOptions(schema, { ...rest, type }, `source.${type}(...)`) as z.output<Spec>;
  const declared = rowSchema === undefined ? null : toSchema(rowSchema, `source.${type}(...)`);
  const common: CommonSourceOptions<unknown> = {
    ...(badRecords === undefined ? {} : { badRecords }),
    ...(name === undefined ? {} : { name }),
  };
  return declare(spec as SourceSpec, derive ? derive(spec, declared) : declared, common);
}

const kafkaMetaFields: Record<string, Field> = {
  key: { name: 'key', type: 'string', nullable: true },
  headers: {
    name: 'headers',
    type: { type: 'map', keyType: 'string', valueType: 'string', valueContainsNull: true },
    nullable: true,
  },
  topic: { name: 'topic', type: 'string', nullable: false },
  partition: { name: 'partition', type: 'integer', nullable: false },
  offset: { name: 'offset', type: 'long', nullable: false },
  timestamp: { name: 'timestamp', type: 'timestamp', nullable: false },
};

interface KafkaMeta {
  key: string | null;
  headers: Record<string, string | null> | null;
  topic: string;
  partition: number;
  offset: number;
  timestamp: Date;
}

function generatedField(name: string, c: GeneratedColumn): Field {
  const type =
    c.kind === 'key' || c.kind === 'choice'
      ? 'string'
      : c.kind === 'boolean'
        ? 'boolean'
        : c.kind === 'eventTime'
          ? 'timestamp'
          : c.kind === 'uniform' && !c.integer
            ? 'double'
            : 'long';
  return { name, type: parseSparkType(type), nullable: false };
}

/** Rows with Dates made JSON (ISO strings); the runtime turns them back by the schema. */
function jsonRows(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
    ),
  );
}

/** Where rows come from. Options are checked when the pipeline is built. */
export const source = {
  /** Records of Kafka topics; JSON values are checked against the schema. */
  kafka<
    const S extends SchemaInput | undefined = undefined,
    const I extends readonly (keyof KafkaMeta)[] = [],
  >(
    options: Options<typeof kafkaSourceSchema, S> & {
      /** Record metadata as extra columns: `includeColumns: ['key', 'timestamp']`. Default: none. */
      includeColumns?: I;
    },
  ): SourceStream<Simplify<RowOrAny<S> & Pick<KafkaMeta, I[number]>>> {
    return build('kafka', kafkaSourceSchema, options, (spec, declared) => {
      const value: Field[] =
        declared?.fields.slice() ??
        (spec.format === 'json'
          ? []
          : [
              {
                name: 'value',
                type: spec.format === 'string' ? 'string' : 'binary',
                nullable: true,
              },
            ]);
      if (declared === null && spec.format === 'json') return null;
      const meta = (spec.includeColumns ?? []).map((c) => kafkaMetaFields[c]!);
      return { fields: [...value, ...meta] };
    }) as never;
  },
  /** A table or query; `incremental` polls new rows for a stream. */
  postgres<const S extends SchemaInput | undefined = undefined>(
    options: Options<typeof postgresSourceSchema, S>,
  ): SourceStream<RowOrAny<S>> {
    return build('postgres', postgresSourceSchema, options) as never;
  },
  /** A Delta table: a version, or a stream of its commits, or its change data feed. */
  delta<const S extends SchemaInput | undefined = undefined>(
    options: Options<typeof deltaSourceSchema, S>,
  ): SourceStream<RowOrAny<S>> {
    return build('delta', deltaSourceSchema, options) as never;
  },
  /** JSON lines, CSV or Parquet files; `watch` a directory for a stream. */
  file<const S extends SchemaInput | undefined = undefined>(
    options: Options<typeof fileSourceSchema, S>,
  ): SourceStream<RowOrAny<S>> {
    return build('file', fileSourceSchema, options) as never;
  },
  /**
   * Seeded synthetic rows, like Spark's rate source: `{ timestamp, value }` unless `columns` says
   * otherwise.
   */
  generate<
    const C extends Record<string, Gen<unknown>> = { timestamp: Gen<Date>; value: Gen<number> },
  >(
    options: Omit<Options<typeof generateSourceSchema, never>, 'columns' | 'schema'> & {
      /** The columns, from `gen`: `{ user: gen.key('user-', 100), ts: gen.eventTime() }`. Default: `{ timestamp, value }`. */
      columns?: C;
    } = {},
  ): SourceStream<GeneratedRow<C>> {
    return build('generate', generateSourceSchema, options, (spec) => ({
      fields: Object.entries(spec.columns).map(([n, c]) => generatedField(n, c)),
    })) as never;
  },
  /** Rows given in the code: for tests and examples. */
  memory<const S extends SchemaInput>(
    options: CommonSourceOptions<S> & {
      /** The record type: a zod object, a Spark DDL string, or a field list. */
      schema: S;
      /** The rows, typed by the schema. Default: none. */
      rows?: readonly RowOf<S>[];
      /** Rows per micro-batch. Default: all in one. */
      batchSize?: number;
    },
  ): SourceStream<RowOf<S>> {
    const { rows, ...rest } = options;
    return build('memory', memorySourceSchema, {
      ...rest,
      rows: jsonRows((rows ?? []) as unknown as Record<string, unknown>[]),
    }) as never;
  },
};
