import { CodeBlockWriter } from 'ts-morph';
import { propertyKey, quote } from './js-text.js';
import { wrap } from './wrap.js';

/** Biome's line width in the repository (biome.json): comments are wrapped to it. */
export const lineWidth = 100;

/**
 * A piece of generated code as the calls that write it on ts-morph's `CodeBlockWriter`: the
 * printer composes these (a call of a member of an expression, an object of values...) and writes
 * a file's statements with them. A few pieces choose their layout from the writer's column, as a
 * person would (a long chain one call a line, an object that does not fit one property a line);
 * Biome formats the result and keeps those choices where its own rules allow both.
 */
export type Emit = (w: CodeBlockWriter) => void;

/** A token or punctuation as is: an identifier, an operator, a number already in source form. */
export const token =
  (text: string): Emit =>
  (w) => {
    w.write(text);
  };

/** A single-quoted string literal. */
export const str =
  (value: string): Emit =>
  (w) => {
    w.write(quote(value));
  };

/** Items one after another with `, ` between them. */
export const commaList =
  (items: readonly Emit[]): Emit =>
  (w) => {
    for (const [i, item] of items.entries()) {
      if (i > 0) w.write(', ');
      item(w);
    }
  };

/** `callee(a, b)`. */
export const call =
  (callee: string | Emit, args: readonly Emit[]): Emit =>
  (w) => {
    if (typeof callee === 'string') w.write(callee);
    else callee(w);
    w.write('(');
    commaList(args)(w);
    w.write(')');
  };

/** `receiver.name(a, b)`. */
export const method =
  (receiver: Emit, name: string, args: readonly Emit[]): Emit =>
  (w) => {
    receiver(w);
    w.write('.');
    call(name, args)(w);
  };

/** `.code`: a call of a chain. */
export const dotted =
  (e: Emit): Emit =>
  (w) => {
    w.write('.');
    e(w);
  };

/** `.name(a, b)`. */
export const dotCall = (name: string, args: readonly Emit[]): Emit => dotted(call(name, args));

/** The column the writer is at: where the next piece starts on its line. */
export function columnOf(w: CodeBlockWriter): number {
  const text = w.toString();
  const line = text.slice(text.lastIndexOf('\n') + 1);
  return line.trim() === '' ? w.getIndentationLevel() * 2 : line.length;
}

/** Whether a piece written flat from the writer's column stays within the line width. */
export function fitsAt(w: CodeBlockWriter, e: Emit): boolean {
  const text = textOf(e);
  return !text.includes('\n') && columnOf(w) + text.length <= lineWidth;
}

/**
 * Items between brackets: on the line when they fit, else one a line. Biome keeps an object it
 * is given expanded (and lays out the calls around it by that), so the choice is made here.
 */
export const bracketed =
  (open: string, close: string, items: readonly Emit[], expand: boolean | 'auto'): Emit =>
  (w) => {
    const flat: Emit = (x) => {
      x.write(open === '{' ? '{ ' : open);
      commaList(items)(x);
      x.write(close === '}' ? ' }' : close);
    };
    if (expand === false || (expand === 'auto' && fitsAt(w, flat))) return flat(w);
    w.write(open);
    w.withIndentationLevel(w.getIndentationLevel() + 1, () => {
      for (const item of items) {
        w.newLine();
        item(w);
        w.write(',');
      }
    });
    w.newLine().write(close);
  };

/** `[a, b]`. */
export const array = (items: readonly Emit[]): Emit =>
  items.length === 0 ? token('[]') : bracketed('[', ']', items, 'auto');

/**
 * `{ key: value }`; `expanded`: one property a line whether or not they fit (a schema's columns,
 * read as a list).
 */
export const object = (
  entries: readonly (readonly [string, Emit])[],
  expanded: boolean | 'auto' = 'auto',
): Emit =>
  entries.length === 0
    ? token('{}')
    : bracketed(
        '{',
        '}',
        entries.map(
          ([key, value]): Emit =>
            (w) => {
              w.write(`${propertyKey(key)}: `);
              value(w);
            },
        ),
        expanded,
      );

/** `r.name`, or `r['odd name']` where the name is not an identifier. */
export const rowColumn =
  (name: string): Emit =>
  (w) => {
    const key = propertyKey(name);
    w.write('r');
    if (key === name) w.write('.').write(name);
    else w.write('[').write(key).write(']');
  };

/** `(r) => body`. */
export const rowLambda =
  (body: Emit): Emit =>
  (w) => {
    w.write('(r) => ');
    body(w);
  };

/**
 * `// text` lines at the writer's indentation, wrapped to the line width (Biome does not wrap
 * comments); each comment starts a line.
 */
export const commentLines =
  (comments: readonly string[]): Emit =>
  (w) => {
    const width = lineWidth - w.getIndentationLevel() * 2 - 3;
    for (const line of comments.flatMap((c) => wrap(c, width))) w.writeLine(`// ${line.trim()}`);
  };

/** What a piece writes, as text: for tests, and for choices that depend on the code's length. */
export function textOf(e: Emit): string {
  const w = new CodeBlockWriter({ indentNumberOfSpaces: 2, useSingleQuote: true });
  e(w);
  return w.toString();
}
