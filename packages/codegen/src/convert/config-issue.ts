import type { z } from 'zod';
import { describeValue } from './values.js';

/** A zod issue as the converter words it: what was expected, what was found (the path is shown apart). */
export interface IssueText {
  readonly what: string;
  readonly supported?: string;
}

type Issue = z.core.$ZodIssue;

/** The value at `path` inside `root`, and whether the key is there at all. */
function at(root: unknown, path: readonly PropertyKey[]): { present: boolean; value: unknown } {
  let v: unknown = root;
  for (const k of path) {
    if (typeof v !== 'object' || v === null || !(k in v))
      return { present: false, value: undefined };
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return { present: true, value: v };
}

const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

/** What a branch of a union (or a plain schema) expects, from its first issue. */
function expected(issue: Issue): string {
  if (issue.code === 'invalid_type')
    return issue.expected === 'number' || issue.expected === 'int'
      ? 'a number'
      : article(issue.expected);
  return issue.message.replace(/^Invalid input: /, '');
}

/**
 * One issue of a config part: a key that is there with the wrong type says what it found (never
 * "missing"); a union (`5432` or `"5432"`) says the rule of the branch the value's type matched;
 * an enum lists its values.
 */
export function issueText(issue: Issue, root: unknown): IssueText {
  const { present, value } = at(root, issue.path);
  const found = `found ${describeValue(value)}`;
  switch (issue.code) {
    case 'invalid_type':
      return present
        ? { what: `expected ${expected(issue)}, ${found}` }
        : { what: `is missing: expected ${expected(issue)}` };
    case 'invalid_union': {
      // The branch for the value's own type failed on its rule (a regex, a range): that rule is the
      // message. When no branch took the type, list what each branch expects.
      const ruled = issue.errors.find((e) => e[0] !== undefined && e[0].code !== 'invalid_type');
      if (ruled?.[0]) return { what: `${ruled[0].message}, ${found}` };
      const kinds = [...new Set(issue.errors.flatMap((e) => (e[0] ? [expected(e[0])] : [])))];
      return present
        ? { what: `expected ${kinds.join(' or ')}, ${found}` }
        : { what: `is missing: expected ${kinds.join(' or ')}` };
    }
    case 'invalid_value':
      return {
        what: `unknown value ${JSON.stringify(value)}`,
        supported: issue.values.map((v) => String(v)).join(', '),
      };
    default:
      return { what: present ? `${issue.message}, ${found}` : issue.message };
  }
}
