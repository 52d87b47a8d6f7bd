import type { DataType, Field, Schema } from '@pipekit/core';
import { primitiveTypeNames } from '@pipekit/core';
import { DeltaError } from './delta-errors.js';

/** Delta's JSON form of a schema, as stored in the table's metadata action. */
interface DeltaJsonField {
  readonly name: string;
  readonly type: DeltaJsonType;
  readonly nullable: boolean;
  readonly metadata: Record<string, unknown>;
}

type DeltaJsonType =
  | string
  | { readonly type: 'struct'; readonly fields: readonly DeltaJsonField[] }
  | { readonly type: 'array'; readonly elementType: DeltaJsonType; readonly containsNull: boolean }
  | {
      readonly type: 'map';
      readonly keyType: DeltaJsonType;
      readonly valueType: DeltaJsonType;
      readonly valueContainsNull: boolean;
    };

const decimalPattern = /^decimal\((\d+),\s*(\d+)\)$/;

/** Precision and scale of a `decimal(p,s)` type, or undefined for other types. */
export function decimalParts(t: DataType): { precision: number; scale: number } | undefined {
  if (typeof t !== 'string') return undefined;
  const m = decimalPattern.exec(t);
  return m ? { precision: Number(m[1]), scale: Number(m[2]) } : undefined;
}

function toDeltaType(t: DataType): DeltaJsonType {
  if (typeof t === 'string') return t;
  switch (t.type) {
    case 'struct':
      return { type: 'struct', fields: t.fields.map(toDeltaField) };
    case 'array':
      return {
        type: 'array',
        elementType: toDeltaType(t.elementType),
        containsNull: t.containsNull,
      };
    case 'map':
      return {
        type: 'map',
        keyType: toDeltaType(t.keyType),
        valueType: toDeltaType(t.valueType),
        valueContainsNull: t.valueContainsNull,
      };
  }
}

function toDeltaField(f: Field): DeltaJsonField {
  return { name: f.name, type: toDeltaType(f.type), nullable: f.nullable, metadata: {} };
}

/** The schema as Delta JSON (`{"type":"struct","fields":[...]}`). */
export function toDeltaSchemaJson(schema: Schema): string {
  return JSON.stringify({ type: 'struct', fields: schema.fields.map(toDeltaField) });
}

const primitives: ReadonlySet<string> = new Set(primitiveTypeNames);

function fromDeltaType(t: unknown, path: string): DataType {
  if (typeof t === 'string') {
    // timestamp_ntz has no pipekit type of its own; values still decode by their Arrow type.
    if (t === 'timestamp_ntz') return 'timestamp';
    if (primitives.has(t)) return t as DataType;
    const d = decimalPattern.exec(t);
    if (d) return `decimal(${Number(d[1])},${Number(d[2])})`;
    throw new DeltaError('INVALID_ARGUMENT', path, `${path}: unsupported Delta type ${t}`);
  }
  const o = t as Record<string, unknown>;
  switch (o.type) {
    case 'struct':
      return {
        type: 'struct',
        fields: (o.fields as unknown[]).map((f) => fromDeltaField(f, path)),
      };
    case 'array':
      return {
        type: 'array',
        elementType: fromDeltaType(o.elementType, path),
        containsNull: o.containsNull === true,
      };
    case 'map':
      return {
        type: 'map',
        keyType: fromDeltaType(o.keyType, path),
        valueType: fromDeltaType(o.valueType, path),
        valueContainsNull: o.valueContainsNull === true,
      };
    default:
      throw new DeltaError(
        'INVALID_ARGUMENT',
        path,
        `${path}: unsupported Delta type ${JSON.stringify(t)}`,
      );
  }
}

function fromDeltaField(f: unknown, path: string): Field {
  const o = f as Record<string, unknown>;
  return {
    name: String(o.name),
    type: fromDeltaType(o.type, path),
    nullable: o.nullable !== false,
  };
}

/** Parse Delta schema JSON into a pipekit schema. `tablePath` is used in errors. */
export function fromDeltaSchemaJson(json: string, tablePath: string): Schema {
  const parsed = JSON.parse(json) as { fields?: unknown[] };
  return { fields: (parsed.fields ?? []).map((f) => fromDeltaField(f, tablePath)) };
}
