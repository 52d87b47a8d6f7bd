import { describeSecretRef, isSecretRef } from '@pipekit/core';
import { propertyKey, quote } from '../convert/zod-fields.js';

/** Already printed code, placed as is where a value goes. */
export class Code {
  constructor(
    readonly text: string | ((indent: number) => string),
    readonly imports: readonly string[] = [],
  ) {}

  at(indent: number): string {
    return typeof this.text === 'string' ? this.text : this.text(indent);
  }
}

export const lineWidth = 100;
const pad = (n: number) => ' '.repeat(n);

/** The `@pipekit/core` names a value's code uses. */
export function importsOf(v: unknown, out: Set<string>): void {
  if (v instanceof Code) for (const i of v.imports) out.add(i);
  else if (isSecretRef(v)) out.add('secret');
  else if (Array.isArray(v)) for (const x of v) importsOf(x, out);
  else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) importsOf(x, out);
}

/** `100000` → `100_000`, as people write large numbers. */
export function numberCode(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) >= 10_000)
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '_');
  return Object.is(n, -0) ? '-0' : String(n);
}

/**
 * A JavaScript value as code: on one line when it fits in the line width from column `indent`
 * (plus what precedes it on the line), otherwise one entry a line with trailing commas.
 */
export function valueCode(v: unknown, indent: number, lead = 0): string {
  if (v instanceof Code) return v.at(indent);
  if (v === null) return 'null';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number') return numberCode(v);
  if (typeof v === 'boolean') return String(v);
  if (isSecretRef(v)) return describeSecretRef(v);
  if (Array.isArray(v)) {
    const items = v.map((x) => valueCode(x, indent + 2));
    const flat = `[${items.join(', ')}]`;
    if (fits(flat, indent + lead)) return flat;
    return `[\n${v.map((x) => `${pad(indent + 2)}${valueCode(x, indent + 2)},`).join('\n')}\n${pad(indent)}]`;
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    const flatItems = entries.map(
      ([k, x]) => `${propertyKey(k)}: ${valueCode(x, indent + 2, propertyKey(k).length + 2)}`,
    );
    const flat = `{ ${flatItems.join(', ')} }`;
    if (fits(flat, indent + lead)) return flat;
    const lines = entries.map(([k, x]) => {
      const key = propertyKey(k);
      return `${pad(indent + 2)}${key}: ${valueCode(x, indent + 2, key.length + 2)},`;
    });
    return `{\n${lines.join('\n')}\n${pad(indent)}}`;
  }
  throw new Error(`internal: cannot print ${typeof v}`);
}

export function fits(text: string, column: number): boolean {
  return !text.includes('\n') && column + text.length <= lineWidth;
}

/** `f(a, b)` on one line, or with one argument a line when it does not fit. */
export function callCode(name: string, args: readonly unknown[], indent: number, lead = 0): string {
  const printed = args.map((a) => valueCode(a, indent, name.length + 1 + lead));
  const flat = `${name}(${printed.join(', ')})`;
  if (fits(flat, indent + lead)) return flat;
  if (args.length === 1) return `${name}(${valueCode(args[0], indent, name.length + 1 + lead)})`;
  return `${name}(\n${args.map((a) => `${pad(indent + 2)}${valueCode(a, indent + 2)},`).join('\n')}\n${pad(indent)})`;
}
