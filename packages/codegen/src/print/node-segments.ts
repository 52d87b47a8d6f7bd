import { isDeepStrictEqual } from 'node:util';
import { formatDuration, type PlanVisitor } from '@pipekit/core';
import type { Annotations } from '../convert/build.js';
import { type Segment, segment } from './chain.js';
import { Code, callEmit, importsOf } from './code.js';
import type { ConditionPrinter } from './conditions.js';
import { call, dotCall, dotted, type Emit, object, str, token } from './emit.js';
import { expectCall } from './expect-call.js';
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
    filter: (n) => [segment(ctx.conditions.filterCall(n))],
    select: (n) => {
      if (n.columns.every((c) => c.expr.kind === 'column' && c.expr.name === c.name))
        return [
          segment(
            dotCall(
              'select',
              n.columns.map((c) => str(c.name)),
            ),
          ),
        ];
      let usesRow = false;
      const entries = n.columns.map((c): readonly [string, Emit] => {
        if (c.expr.kind === 'column') return [c.name, str(c.expr.name)];
        const { body, usesRow: reads } = ctx.conditions.conditionParts(n.id, c.expr, 'value');
        usesRow ||= reads;
        return [c.name, body];
      });
      const columns = object(entries);
      const arg: Emit = usesRow
        ? (w) => {
            w.write('(r) => (');
            columns(w);
            w.write(')');
          }
        : columns;
      return [segment(dotCall('select', [arg]))];
    },
    withColumn: (n) => [
      segment(
        dotCall('withColumn', [str(n.column), ctx.conditions.condition(n.id, n.expr, 'value')]),
      ),
    ],
    drop: (n) => [segment(dotCall('drop', n.columns.map(str)))],
    map: (n) => {
      throw new Error(`a plan with a JavaScript function (map '${n.udf}') cannot be printed`);
    },
    union: (n) => [
      segment(
        dotCall(
          'union',
          n.inputs.slice(1).map((i) => token(ctx.refCode(i))),
        ),
      ),
    ],
    hint: (n) => {
      const h = n.hint;
      if (h.type === 'cache') return [segment(dotCall('cache', []))];
      if (h.type === 'coalesce')
        return [segment(dotCall('coalesce', [token(String(h.partitions))]))];
      return [
        segment(
          dotCall('repartition', [
            token(String(h.partitions)),
            ...(h.columns ?? []).map((c) => str(c)),
          ]),
        ),
      ];
    },
    watermark: (n) => {
      const args: unknown[] = [n.column, formatDuration(n.delay)];
      if (n.idleTimeout !== undefined) args.push({ idleTimeout: formatDuration(n.idleTimeout) });
      return [segment(dotted(callEmit('watermark', args)))];
    },
    dedupe: (n) => [segment(dotCall('dedupe', n.columns.map(str)))],
    expect: (n) => [segment(expectCall(ctx.conditions, ctx.imports, n))],
    aggregate: (n) => {
      const out: Segment[] = [];
      if (n.window) {
        const w = n.window;
        const durations =
          w.type === 'tumbling' ? [w.size] : w.type === 'sliding' ? [w.size, w.slide] : [w.gap];
        const spec = call(
          w.type,
          durations.map((d) => str(formatDuration(d))),
        );
        ctx.imports.add(w.type);
        const args =
          w.column === ctx.facts.watermarkColumn(n.input)
            ? [spec]
            : [spec, object([['column', str(w.column)]])];
        out.push(segment(dotCall('window', args)));
      }
      // With no keys and no window, `groupBy()` makes the whole stream one group.
      if (n.keys.length > 0 || !n.window) out.push(segment(dotCall('groupBy', n.keys.map(str))));
      const aggregates = Object.fromEntries(
        n.aggregates.map((a) => {
          ctx.imports.add(a.fn);
          return [a.name, new Code(call(a.fn, a.column === undefined ? [] : [str(a.column)]))];
        }),
      );
      const options: Record<string, unknown> = {};
      if (n.late) options.late = policyValue(n.late);
      if (n.stateTimeout !== undefined) options.stateTimeout = formatDuration(n.stateTimeout);
      importsOf(options, ctx.imports);
      const args = Object.keys(options).length === 0 ? [aggregates] : [aggregates, options];
      out.push(segment(dotted(callEmit('aggregate', args))));
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
      const right = new Code(token(ctx.refCode(n.right)));
      return [segment(dotted(callEmit('join', [right, options])))];
    },
    sideOutput: (n) => [segment(dotCall(n.output === 'late' ? 'lateRows' : 'badRecords', []))],
    sink: (n) => [segment(sinkCall(ctx.facts, ctx.annotations, ctx.imports, n))],
  };
}
