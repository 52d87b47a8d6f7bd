import { z } from 'zod';
import { type DataType, dataTypeSchema } from '../schema/data-type.js';

/**
 * Expressions are plain data: a tree of nodes with a literal `kind`, so a plan can be printed,
 * diffed, serialized and compiled for another engine. `sql\`...\`` and the typed builder both
 * produce this tree.
 */
export type ExprNode =
  | ColumnNode
  | LiteralNode
  | BinaryNode
  | UnaryNode
  | IsNullNode
  | InNode
  | LikeNode
  | BetweenNode
  | CastNode
  | CaseNode
  | CallNode;

export type LiteralValue = string | number | boolean | null;

/** A reference to a column of the input row. */
export interface ColumnNode {
  readonly kind: 'column';
  readonly name: string;
}

/**
 * A constant. Timestamps and dates are ISO-8601 strings with `type` set, so the tree stays JSON.
 */
export interface LiteralNode {
  readonly kind: 'literal';
  readonly value: LiteralValue;
  readonly type?: 'timestamp' | 'date' | 'integer' | 'double';
}

/** Arithmetic operators of a binary expression node. */
export const arithmeticOps = ['+', '-', '*', '/', '%'] as const;
/** Comparison operators of a binary expression node (`<=>` is null-safe equality). */
export const comparisonOps = ['=', '!=', '<', '<=', '>', '>=', '<=>'] as const;
/** Logical operators of a binary expression node. */
export const logicalOps = ['and', 'or'] as const;
/** Every operator of a binary expression node (`||` concatenates strings). */
export const binaryOps = [...arithmeticOps, ...comparisonOps, ...logicalOps, '||'] as const;
export type ArithmeticOp = (typeof arithmeticOps)[number];
export type ComparisonOp = (typeof comparisonOps)[number];
export type LogicalOp = (typeof logicalOps)[number];
/** `||` is string concatenation; `<=>` is Spark's null-safe equality. */
export type BinaryOp = (typeof binaryOps)[number];

export interface BinaryNode {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: ExprNode;
  readonly right: ExprNode;
}

export interface UnaryNode {
  readonly kind: 'unary';
  readonly op: 'not' | 'negate';
  readonly operand: ExprNode;
}

export interface IsNullNode {
  readonly kind: 'isNull';
  readonly operand: ExprNode;
  readonly negated: boolean;
}

export interface InNode {
  readonly kind: 'in';
  readonly operand: ExprNode;
  readonly list: readonly ExprNode[];
  readonly negated: boolean;
}

/** SQL LIKE: `%` any run, `_` one character, `\` escapes. */
export interface LikeNode {
  readonly kind: 'like';
  readonly operand: ExprNode;
  readonly pattern: ExprNode;
  readonly negated: boolean;
  readonly caseInsensitive: boolean;
}

export interface BetweenNode {
  readonly kind: 'between';
  readonly operand: ExprNode;
  readonly low: ExprNode;
  readonly high: ExprNode;
  readonly negated: boolean;
}

export interface CastNode {
  readonly kind: 'cast';
  readonly operand: ExprNode;
  readonly to: DataType;
}

export interface CaseNode {
  readonly kind: 'case';
  readonly branches: readonly { readonly when: ExprNode; readonly then: ExprNode }[];
  readonly otherwise?: ExprNode;
}

/** A function call by its Spark SQL name in lower case (`lower`, `coalesce`, `date_trunc`, ...). */
export interface CallNode {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly ExprNode[];
}

export const exprNodeSchema: z.ZodType<ExprNode> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('column'), name: z.string().min(1) }),
    z.strictObject({
      kind: z.literal('literal'),
      value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
      type: z.enum(['timestamp', 'date', 'integer', 'double']).optional(),
    }),
    z.strictObject({
      kind: z.literal('binary'),
      op: z.enum(binaryOps),
      left: exprNodeSchema,
      right: exprNodeSchema,
    }),
    z.strictObject({
      kind: z.literal('unary'),
      op: z.enum(['not', 'negate']),
      operand: exprNodeSchema,
    }),
    z.strictObject({ kind: z.literal('isNull'), operand: exprNodeSchema, negated: z.boolean() }),
    z.strictObject({
      kind: z.literal('in'),
      operand: exprNodeSchema,
      list: z.array(exprNodeSchema),
      negated: z.boolean(),
    }),
    z.strictObject({
      kind: z.literal('like'),
      operand: exprNodeSchema,
      pattern: exprNodeSchema,
      negated: z.boolean(),
      caseInsensitive: z.boolean(),
    }),
    z.strictObject({
      kind: z.literal('between'),
      operand: exprNodeSchema,
      low: exprNodeSchema,
      high: exprNodeSchema,
      negated: z.boolean(),
    }),
    z.strictObject({ kind: z.literal('cast'), operand: exprNodeSchema, to: dataTypeSchema }),
    z.strictObject({
      kind: z.literal('case'),
      branches: z.array(z.strictObject({ when: exprNodeSchema, then: exprNodeSchema })).min(1),
      otherwise: exprNodeSchema.optional(),
    }),
    z.strictObject({
      kind: z.literal('call'),
      name: z.string().min(1),
      args: z.array(exprNodeSchema),
    }),
  ]),
);
