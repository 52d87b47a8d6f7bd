import type { AggregateFn, IssuePath } from '@pipekit/core';
import type { Ctx } from './context.js';
import type { AggregateItem } from './ir.js';

const sqlForms =
  'count(*), count(c), count(distinct c), sum(c), avg(c), min(c), max(c), first(c), last(c)';
const sqlPattern = /^\s*([A-Za-z_]+)\s*\(\s*(distinct\s+)?(\*|`[^`]+`|[A-Za-z_][\w]*)\s*\)\s*$/i;
const fnNames: Readonly<Record<string, AggregateFn>> = {
  count: 'count',
  sum: 'sum',
  avg: 'avg',
  mean: 'avg',
  min: 'min',
  max: 'max',
  first: 'first',
  last: 'last',
};

/** A step-list aggregation: `"count(*)"`, `"count(distinct user_id)"`, `"sum(amount)"`. */
export function sqlAggregate(
  ctx: Ctx,
  name: string,
  text: unknown,
  path: IssuePath,
): AggregateItem {
  const m = typeof text === 'string' ? sqlPattern.exec(text) : null;
  if (!m)
    ctx.fail(path, `aggregation ${JSON.stringify(text)} is not a function of one column`, sqlForms);
  const fn = fnNames[m[1]!.toLowerCase()];
  const distinct = m[2] !== undefined;
  const column = m[3]!.replace(/^`|`$/g, '');
  if (fn === undefined) ctx.fail(path, `unknown aggregate function '${m[1]}'`, sqlForms);
  if (column === '*') {
    if (fn !== 'count' || distinct)
      ctx.fail(path, `'${text}' is not valid: only count takes *`, sqlForms);
    return { name, fn: 'count' };
  }
  if (distinct) {
    if (fn !== 'count') ctx.fail(path, `'${text}': DISTINCT is supported in count only`, sqlForms);
    return { name, fn: 'countDistinct', column };
  }
  return { name, fn, column };
}

const etlFns = ['count', 'sum', 'avg', 'min', 'max', 'first', 'last'] as const;
const prefixes = ['total_', 'sum_', 'avg_', 'average_', 'min_', 'max_', 'first_', 'last_', 'num_'];
const suffixes = ['_total', '_sum', '_avg', '_average', '_min', '_max', '_first', '_last'];

/**
 * ETL aggregations, `"event_count:count,clicks:sum"`: `name:fn` where `name` is the output column
 * and, for functions of a column, that column too (`clicks:sum` sums `clicks`). When the name is
 * not a column the converter looks for one it was derived from (`total_revenue` → `revenue`) and
 * says so.
 */
export function etlAggregates(
  ctx: Ctx,
  text: unknown,
  columns: readonly string[] | null,
  path: IssuePath,
): { items: AggregateItem[]; comments: string[] } {
  if (typeof text !== 'string' || text.trim() === '')
    ctx.fail(path, "expected aggregations such as 'events:count,amount:sum'");
  const items: AggregateItem[] = [];
  const comments: string[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const [name, fnText, extra] = part.split(':').map((s) => s.trim());
    if (!name || !fnText || extra !== undefined)
      ctx.fail(
        path,
        `aggregation '${part}' is not 'name:function'`,
        `functions ${etlFns.join(', ')}`,
      );
    const fn = fnText.toLowerCase();
    if (!(etlFns as readonly string[]).includes(fn))
      ctx.fail(path, `unknown aggregate function '${fnText}' in '${part}'`, etlFns.join(', '));
    if (fn === 'count') {
      items.push(
        columns?.includes(name) ? { name, fn: 'count', column: name } : { name, fn: 'count' },
      );
      continue;
    }
    const column = sourceColumn(name, columns);
    if (column === undefined)
      ctx.fail(
        path,
        `aggregation '${part}' names no column of the input`,
        columns ? `columns: ${columns.join(', ')}` : undefined,
      );
    if (column !== name)
      comments.push(
        `'${part}' names no column: it aggregates '${column}', the column its name was made from.`,
      );
    items.push({ name, fn: fn as AggregateFn, column });
  }
  return { items, comments };
}

function sourceColumn(name: string, columns: readonly string[] | null): string | undefined {
  if (columns === null || columns.includes(name)) return name;
  for (const p of prefixes)
    if (name.startsWith(p) && columns.includes(name.slice(p.length))) return name.slice(p.length);
  for (const s of suffixes)
    if (name.endsWith(s) && columns.includes(name.slice(0, -s.length)))
      return name.slice(0, -s.length);
  return undefined;
}
