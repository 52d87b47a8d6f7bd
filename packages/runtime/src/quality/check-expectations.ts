import {
  type CompileOptions,
  type ExpectNode,
  expectationFailureSchema,
  type Schema,
} from '@pipekit/core';
import type { Logger } from 'pino';
import { concatMap, type OperatorFunction } from 'rxjs';
import type { SinkWriter } from '../connector.js';
import { PipelineFailure } from '../errors.js';
import { type Batch, batchOf } from '../graph/batch.js';
import type { RuleCounters } from '../metrics/expectation-metrics.js';
import { type Row, recordText } from '../row.js';
import { type DeadLetterGroup, deadLetterGroups } from './dead-letter-groups.js';
import { compileRuleCheck } from './rule-check.js';

/** Offending rows shown in the error of a `fail` rule. */
const sampleRows = 5;
/** Failing rows a `warn` rule logs one by one before it logs only counts. */
const logEach = 10;

export interface ExpectationContext {
  readonly pipeline: string;
  readonly logger: Logger;
  /** One per rule, in the node's order. */
  readonly counters: readonly RuleCounters[];
  /** The writer of each dead-letter group (see `deadLetterGroups`). */
  readonly deadLetter: (group: DeadLetterGroup) => SinkWriter;
  /** The id sinks key exactly-once writes by (the checkpoint's query id). */
  readonly sinkQueryId: () => string;
  readonly compile: CompileOptions;
}

/** The row as JSON with the values of secret columns replaced by `***`. */
function redacted(row: Row, secret: ReadonlySet<string>): string {
  if (secret.size === 0) return recordText(row) ?? '';
  const copy: Row = {};
  for (const [k, v] of Object.entries(row)) copy[k] = secret.has(k) && v != null ? '***' : v;
  return recordText(copy) ?? '';
}

/**
 * Checks every row of each batch against an expect step's rules and applies each rule's failure
 * mode: counts per rule (a row failing several is counted against each), `warn` logs and keeps,
 * `drop` removes, `deadLetter` removes and writes `{ rule, node, batchId, record }` to its sink,
 * `fail` stops the query with the rule, the batch and a sample of offending rows (secret columns
 * redacted). A `fail` is raised before any dead letter is written, so a failed batch leaves no
 * partial output; a replayed batch writes the same dead letters under the same batch id.
 */
export function checkExpectations(
  node: ExpectNode,
  schema: Schema | null,
  ctx: ExpectationContext,
): OperatorFunction<Batch, Batch> {
  const checks = node.rules.map((r) => compileRuleCheck(r, schema, ctx.compile));
  const groups = deadLetterGroups(node.rules);
  const secret = new Set(schema?.fields.filter((f) => f.secret).map((f) => f.name) ?? []);
  const removes = node.rules.map(
    (r) => r.onFailure.type === 'drop' || r.onFailure.type === 'deadLetter',
  );
  const logged = node.rules.map(() => 0);
  return concatMap(async (b) => {
    const rows = b.rows;
    if (rows.length === 0) return b;
    const batchId = b.epoch.batchId;
    const failures = checks.map((check) => check(rows));
    const failedCounts = failures.map((f) => f.reduce((a, x) => a + x, 0));
    failedCounts.forEach((n, i) => {
      ctx.counters[i]!.count(rows.length - n, n);
    });

    node.rules.forEach((rule, i) => {
      if (rule.onFailure.type !== 'fail' || failedCounts[i] === 0) return;
      const sample: string[] = [];
      for (let r = 0; r < rows.length && sample.length < sampleRows; r++)
        if (failures[i]![r]) sample.push(redacted(rows[r]!, secret));
      throw new PipelineFailure(
        ctx.pipeline,
        node.id,
        'expect',
        batchId,
        `expectation '${rule.name}' failed on ${failedCounts[i]} of ${rows.length} rows (onFailure 'fail'); first offending rows: ${sample.join(', ')}`,
      );
    });

    node.rules.forEach((rule, i) => {
      if (rule.onFailure.type !== 'warn' || failedCounts[i] === 0) return;
      const f = failures[i]!;
      for (let r = 0; r < rows.length && logged[i]! < logEach; r++)
        if (f[r]) {
          logged[i]!++;
          ctx.logger.warn(
            { node: node.id, rule: rule.name, batchId, record: redacted(rows[r]!, secret) },
            'expectation failed (row kept)',
          );
        }
      if (logged[i]! >= logEach)
        ctx.logger.warn(
          { node: node.id, rule: rule.name, batchId, failed: failedCounts[i] },
          'expectation failed (rows kept; counted, not each logged)',
        );
    });

    for (const g of groups) {
      const out: Row[] = [];
      for (const i of g.rules) {
        if (failedCounts[i] === 0) continue;
        const f = failures[i]!;
        const rule = node.rules[i]!.name;
        for (let r = 0; r < rows.length; r++)
          if (f[r]) out.push({ rule, node: node.id, batchId, record: recordText(rows[r]) });
      }
      if (out.length === 0) continue;
      await ctx.deadLetter(g).writeBatch({
        queryId: `${ctx.sinkQueryId()}/expect/${node.id}/${g.index}`,
        batchId,
        rows: out,
        schema: expectationFailureSchema,
      });
    }

    if (!removes.some((x, i) => x && failedCounts[i]! > 0)) return b;
    const kept: Row[] = [];
    for (let r = 0; r < rows.length; r++) {
      let keep = true;
      for (let i = 0; i < checks.length && keep; i++)
        if (removes[i] && failures[i]![r]) keep = false;
      if (keep) kept.push(rows[r]!);
    }
    return batchOf(b.epoch, kept, b.bad);
  });
}
