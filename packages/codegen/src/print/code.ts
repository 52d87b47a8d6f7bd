import { isSecretRef, type SecretRef } from '@pipekit/core';
import { array, bracketed, call, type Emit, fitsAt, object, str, token } from './emit.js';

/** Code the printer already built, placed as is where a value goes. */
export class Code {
  constructor(
    readonly emit: Emit,
    readonly imports: readonly string[] = [],
  ) {}
}

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

/** `secret('X')`, `secret.vault('p', { key: 'k' })`, `secret.from('name', 'p')`: as the user writes it. */
function secretEmit(r: SecretRef): Emit {
  const builtin = r.provider === 'file' || r.provider === 'vault';
  const fn = r.provider === 'env' ? 'secret' : builtin ? `secret.${r.provider}` : 'secret.from';
  return call(fn, [
    ...(fn === 'secret.from' ? [str(r.provider)] : []),
    str(r.secret),
    ...(r.key === undefined ? [] : [object([['key', str(r.key)] as const])]),
  ]);
}

/** A JavaScript value (options, a policy, a secret reference) as code. */
export function valueEmit(v: unknown): Emit {
  if (v instanceof Code) return v.emit;
  if (v === null) return token('null');
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number') return token(numberCode(v));
  if (typeof v === 'boolean') return token(String(v));
  if (isSecretRef(v)) return secretEmit(v);
  if (Array.isArray(v)) return array(v.map(valueEmit));
  if (typeof v === 'object')
    return object(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => [k, valueEmit(x)] as const),
    );
  throw new Error(`internal: cannot print ${typeof v}`);
}

/** `name(a, b)` of values: on the line when it fits, else (several arguments) one a line. */
export function callEmit(name: string, args: readonly unknown[]): Emit {
  const flat = call(name, args.map(valueEmit));
  if (args.length < 2) return flat;
  return (w) => {
    if (fitsAt(w, flat)) return flat(w);
    w.write(name);
    bracketed('(', ')', args.map(valueEmit), true)(w);
  };
}
