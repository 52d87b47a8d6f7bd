import { isDeepStrictEqual } from 'node:util';
import { formatDuration, type PlanVisitor } from '@pipekit/core';
import type { Annotations } from '../convert/build.js';
import { propertyKey, quote } from '../convert/zod-fields.js';
import { type Segment, segment } from './chain.js';
import { Code, callCode, importsOf } from './code.js';
import type { ConditionPrinter } from './conditions.js';
import type { PlanFacts } from './plan-facts.js';
import { sinkCall } from './sink-call.js';
import { policyValue } from './specs.js';

export interface SegmentContext {
  readonly facts: PlanFacts;
  readonly annotations: Annotations;
  readonly imports: Set<string>;
  readonly conditions: ConditionPrinter;
  /** The variable that holds a stream read elsewhere (a join's right side, a union's others). */
  readonly refCode: (id: string) => string;
}

/** Each node kind as the builder calls that make it: the segments of a chain. */
export function nodeSegments(ctx: SegmentContext): PlanVisitor<Segment[]> {
  return {
    source: () => [],
    filter: (n) => [segment((i) => ctx.conditions.filterCall(n, i))],
    select: (n) => {
      if (n.columns.every((c) => c.expr.kind === 'column' && c.expr.name === c.name))
        return [segment(`.select(${n.columns.map((c) => quote(c.name)).join(', ')})`)];
      let usesRow = false;
      const entries = n.columns.map((c) => {
        if (c.expr.kind === 'column') return `${propertyKey(c.name)}: ${quote(c.expr.name)}`;
        const code = ctx.conditions.condition(n.id, c.expr, 'value');
        const body = code.startsWith('(r) => ') ? code.slice(7) : code;
        usesRow ||= code.startsWith('(r) => ') || body.includes('r.');
        return `${propertyKey(c.name)}: ${body}`;
      });
      return [
        segment(
          `.select(${usesRow ? '(r) => ({ ' : '{ '}${entries.join(', ')}${usesRow ? ' })' : ' }'})`,
        ),
      ];
    },
    withColumn: (n) => [
      segment(
        `.withColumn(${quote(n.column)}, ${ctx.conditions.condition(n.id, n.expr, 'value')})`,
      ),
    ],
    drop: (n) => [segment(`.drop(${n.columns.map(quote).join(', ')})`)],
    map: (n) => {
      throw new Error(`a plan with a JavaScript function (map '${n.udf}') cannot be printed`);
    },
    union: (n) => [
      segment(
        `.union(${n.inputs
          .slice(1)
          .map((i) => ctx.refCode(i))
          .join(', ')})`,
      ),
    ],
    hint: (n) => {
      const h = n.hint;
      if (h.type === 'cache') return [segment('.cache()')];
      if (h.type === 'coalesce') return [segment(`.coalesce(${h.partitions})`)];
      return [
        segment(
          `.repartition(${[String(h.partitions), ...(h.columns ?? []).map(quote)].join(', ')})`,
        ),
      ];
    },
    watermark: (n) => {
      const args: unknown[] = [n.column, formatDuration(n.delay)];
      if (n.idleTimeout !== undefined) args.push({ idleTimeout: formatDuration(n.idleTimeout) });
      return [segment((i) => `.${callCode('watermark', args, i, 1)}`)];
    },
    dedupe: (n) => [segment(`.dedupe(${n.columns.map(quote).join(', ')})`)],
    aggregate: (n) => {
      const out: Segment[] = [];
      if (n.window) {
        const w = n.window;
        const spec =
          w.type === 'tumbling'
            ? `tumbling('${formatDuration(w.size)}')`
            : w.type === 'sliding'
              ? `sliding('${formatDuration(w.size)}', '${formatDuration(w.slide)}')`
              : `session('${formatDuration(w.gap)}')`;
        ctx.imports.add(w.type);
        const column =
          w.column === ctx.facts.watermarkColumn(n.input) ? '' : `, { column: ${quote(w.column)} }`;
        out.push(segment(`.window(${spec}${column})`));
      }
      // With no keys and no window, `groupBy()` makes the whole stream one group.
      if (n.keys.length > 0 || !n.window)
        out.push(segment(`.groupBy(${n.keys.map(quote).join(', ')})`));
      const aggregates = Object.fromEntries(
        n.aggregates.map((a) => {
          ctx.imports.add(a.fn);
          return [
            a.name,
            new Code(a.column === undefined ? `${a.fn}()` : `${a.fn}(${quote(a.column)})`),
          ];
        }),
      );
      const options: Record<string, unknown> = {};
      if (n.late) options.late = policyValue(n.late);
      if (n.stateTimeout !== undefined) options.stateTimeout = formatDuration(n.stateTimeout);
      importsOf(options, ctx.imports);
      const args = Object.keys(options).length === 0 ? [aggregates] : [aggregates, options];
      out.push(segment((i) => `.${callCode('aggregate', args, i, 1)}`));
      return out;
    },
    join: (n) => {
      const same = isDeepStrictEqual(n.on.left, n.on.right);
      const on = same
        ? n.on.left.length === 1
          ? n.on.left[0]
          : n.on.left
        : { left: n.on.left, right: n.on.right };
      const options: Record<string, unknown> = { on };
      if (n.joinType !== 'inner') options.type = n.joinType;
      if (n.within !== undefined) options.within = formatDuration(n.within);
      if (n.lookup !== undefined)
        options.lookup =
          n.lookup.refresh === undefined ? true : { refresh: formatDuration(n.lookup.refresh) };
      const right = new Code(ctx.refCode(n.right));
      return [segment((i) => `.${callCode('join', [right, options], i, 1)}`)];
    },
    sideOutput: (n) => [segment(n.output === 'late' ? '.lateRows()' : '.badRecords()')],
    sink: (n) => [segment((i) => sinkCall(ctx.facts, ctx.annotations, ctx.imports, n, i))],
  };
}
