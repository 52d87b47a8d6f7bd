import { type IssuePath, PipekitError } from '@pipekit/core';
import type { z } from 'zod';
import { ConvertError, type ConvertWarning } from '../errors.js';
import { issueText } from './config-issue.js';

/** What one conversion knows: the file it reads, and the warnings it has collected. */
export class Ctx {
  readonly warnings: ConvertWarning[] = [];

  constructor(readonly file: string) {}

  fail(path: IssuePath, what: string, supported?: string, detail?: string): never {
    throw new ConvertError(this.file, path, what, supported, detail);
  }

  /** A setting with no pipekit equivalent: reported, and listed at the top of the generated file. */
  notCarriedOver(path: IssuePath, message: string): void {
    this.warnings.push({ kind: 'notCarriedOver', path, message });
  }

  /** A judgement call or a value the user must supply (a secret, a broker list). */
  check(path: IssuePath, message: string): void {
    this.warnings.push({ kind: 'check', path, message });
  }

  /** Runs a builder call; a pipekit error it throws becomes a conversion error at `path`. */
  attempt<T>(path: IssuePath, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof ConvertError) throw e;
      if (e instanceof PipekitError) {
        const first = e.issues[0];
        const summary = e.message.split('\n')[0] ?? e.message;
        const detail = first ? `: ${first.message}${first.fix ? ` (${first.fix})` : ''}` : '';
        this.fail(path, `${summary}${detail}`);
      }
      if (e instanceof RangeError) this.fail(path, e.message);
      throw e;
    }
  }

  /** Validates a part of the config with its zod schema; the first issue becomes the error. */
  parse<S extends z.ZodType>(
    schema: S,
    value: unknown,
    path: IssuePath,
    supportedKeys?: readonly string[],
  ): z.output<S> {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    const issue = r.error.issues[0];
    if (!issue) this.fail(path, 'is not valid');
    const at = [...path, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0] ?? '';
      this.fail([...at, key], `unknown option '${key}'`, supportedKeys?.join(', '));
    }
    const text = issueText(issue, value);
    this.fail(at, text.what, text.supported);
  }
}
