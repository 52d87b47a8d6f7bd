import type { Ctx } from './context.js';
import type { AggregateItem, AggregateStep } from './ir.js';

const windowColumns = ['window_start', 'window_end'];

/** `sum(amount)`, `count(*)`: how the config's aggregation reads, for messages. */
function describe(a: AggregateItem): string {
  if (a.column === undefined) return `${a.fn}(*)`;
  return a.fn === 'countDistinct' ? `count(distinct ${a.column})` : `${a.fn}(${a.column})`;
}

/** `max_amount`, `count`, `count_distinct_user`: Spark's derived name made an identifier. */
function derivedName(a: AggregateItem): string {
  const fn = a.fn === 'countDistinct' ? 'count_distinct' : a.fn;
  return a.column === undefined ? fn : `${fn}_${a.column}`;
}

/**
 * The aggregations of a step under names that differ from each other and from the step's other
 * output columns (group keys, window bounds). Spark keeps every aggregation even when two share a
 * name (`sum(amount) AS amount, max(amount) AS amount`): the result then has two `amount` columns,
 * a later reference to `amount` is ambiguous, and a Delta, Parquet or JDBC write refuses the
 * duplicate column. A record of columns cannot hold two of one name, so the converter renames each
 * later one to its derived name (`max_amount`, then `max_amount_2`, ...) and says so, rather than
 * keep only one of them.
 */
export function distinctAggregateNames(ctx: Ctx, step: AggregateStep): AggregateStep {
  const reserved = new Set([...step.keys, ...(step.window ? windowColumns : [])]);
  // The first aggregation to claim a free name keeps it; a rename never takes a name the config
  // gave to another aggregation, even a later one.
  const keeps = step.aggregates.map((a) => {
    if (reserved.has(a.name)) return false;
    reserved.add(a.name);
    return true;
  });
  const taken = new Set(reserved);
  const aggregates = step.aggregates.map((a, i) => {
    if (keeps[i]) return a;
    const base = derivedName(a);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    const clash = step.keys.includes(a.name)
      ? `the group key '${a.name}'`
      : windowColumns.includes(a.name)
        ? `the window column '${a.name}'`
        : `another aggregation`;
    ctx.check(
      step.path,
      `aggregation '${describe(a)} as ${a.name}' is renamed '${name}': its name is taken by ${clash}. ` +
        `Spark keeps both columns as '${a.name}' and then refuses to write them (duplicate column) ` +
        `or to resolve '${a.name}' (ambiguous reference); rename it in the config to choose another name`,
    );
    return { ...a, name };
  });
  return { ...step, aggregates };
}
