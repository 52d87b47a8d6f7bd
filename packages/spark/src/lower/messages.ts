import type { MessageInitShape } from '@bufbuild/protobuf';
import type { CommandSchema } from '../gen/spark/connect/commands_pb.js';
import type {
  Expression_AliasSchema,
  ExpressionSchema,
} from '../gen/spark/connect/expressions_pb.js';
import type { RelationSchema } from '../gen/spark/connect/relations_pb.js';

/** Spark Connect messages as plain init objects; `create()` makes the real messages at the call. */
export type RelationInit = MessageInitShape<typeof RelationSchema>;
export type ExpressionInit = MessageInitShape<typeof ExpressionSchema>;
export type AliasInit = MessageInitShape<typeof Expression_AliasSchema>;
export type CommandInit = MessageInitShape<typeof CommandSchema>;

type RelCase =
  NonNullable<RelationInit['relType']> extends infer U
    ? U extends { case: infer C; value?: unknown }
      ? C
      : never
    : never;
type RelValue<C extends RelCase> = Extract<
  NonNullable<RelationInit['relType']>,
  { case: C }
>['value'];

export function relation<C extends RelCase>(kind: C, value: RelValue<C>): RelationInit {
  return { relType: { case: kind, value } as RelationInit['relType'] };
}

/** A Spark SQL expression the server parses (`amount > 100`, `window(ts, '10 seconds')`). */
export function sqlExpression(text: string): ExpressionInit {
  return { exprType: { case: 'expressionString', value: { expression: text } } };
}

export function alias(expr: ExpressionInit, name: string): AliasInit {
  return { expr, name: [name] };
}

export function aliased(expr: ExpressionInit, name: string): ExpressionInit {
  return { exprType: { case: 'alias', value: alias(expr, name) } };
}

/** Spark's interval text for a plan duration (milliseconds): `'1500 milliseconds'`. */
export function interval(ms: number): string {
  return `${ms} milliseconds`;
}
