import { formatIssues } from '@pipekit/core';
import { UsageError } from '../errors.js';
import { loadPipelines } from '../load-pipeline.js';

export const engines = ['local', 'spark'] as const;
export type Engine = (typeof engines)[number];

/** `--engine local|spark`, local when absent. */
export function engineOf(value: string | undefined): Engine {
  if (value === undefined) return 'local';
  if ((engines as readonly string[]).includes(value)) return value as Engine;
  throw new UsageError(`unknown engine '${value}' (use ${engines.join(' or ')})`);
}

/** `pipe validate <file> --engine spark`: the shared checks and Spark's own refusals. */
export async function validateForSpark(
  file: string,
  io: { stdout: NodeJS.WritableStream },
): Promise<number> {
  const { pipelines } = await loadPipelines(file);
  const { checkForSpark } = await import('@pipekit/spark');
  let problems = 0;
  for (const p of pipelines) {
    const issues = checkForSpark(p.plan);
    if (issues.length === 0)
      io.stdout.write(
        `ok: ${file}: pipeline '${p.plan.name}' can run on Spark (${p.plan.nodes.length} nodes)\n`,
      );
    else {
      problems += issues.length;
      io.stdout.write(
        `${file}: pipeline '${p.plan.name}' cannot run on Spark, ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n${formatIssues(issues).replace(/^/gm, '  ')}\n`,
      );
    }
  }
  return problems === 0 ? 0 : 2;
}

const masked = () => '***';

/**
 * `pipe explain <file> --engine spark [--remote sc://...]`: per sink, the plan Spark makes of the
 * lowered query (`EXPLAIN` from the server), or, with `--format json`, the Spark Connect relation
 * sent to it (secrets masked).
 */
export async function explainForSpark(
  file: string,
  options: { format: string; remote: string | undefined },
  io: { stdout: NodeJS.WritableStream },
): Promise<number> {
  if (options.format !== 'text' && options.format !== 'json' && options.format !== 'mermaid')
    throw new UsageError(
      `with --engine spark, --format is text (the server's EXPLAIN) or json (the relations)`,
    );
  const { pipelines } = await loadPipelines(file);
  const spark = await import('@pipekit/spark');
  for (const p of pipelines) {
    if (options.format === 'json') {
      const jobs = spark.planForSpark(p.plan, masked).jobs;
      io.stdout.write(
        `${JSON.stringify(jobs, (_k, v) => (typeof v === 'bigint' ? Number(v) : v instanceof Uint8Array ? `<${v.length} bytes>` : v), 2)}\n`,
      );
      continue;
    }
    const prepared = spark.planForSpark(p.plan);
    const session = spark.SparkSession.connect(
      options.remote ?? process.env.PIPEKIT_SPARK_REMOTE ?? spark.defaultRemote,
    );
    try {
      for (const job of prepared.jobs) {
        const relation = job.kind === 'collect' ? job.relation : inputOf(job.command);
        io.stdout.write(
          `== ${p.plan.name}: ${job.sink.id} (${job.kind === 'stream' ? 'streaming query' : 'batch job'}) ==\n`,
        );
        io.stdout.write(`${(await session.explain(relation)).trimEnd()}\n\n`);
      }
    } finally {
      await session.close();
    }
  }
  return 0;
}

function inputOf(
  command: import('@pipekit/spark').CommandInit,
): import('@pipekit/spark').RelationInit {
  const c = command.commandType;
  if (c?.case === 'writeStreamOperationStart' || c?.case === 'writeOperation')
    return c.value.input ?? {};
  throw new Error('internal: a sink job without an input');
}
