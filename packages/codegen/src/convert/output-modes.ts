import { type Issue, type OutputMode, PipekitError, sinkOutputModes } from '@pipekit/core';
import type { SinkKind } from './ir.js';

/** The first issue of a builder or plan error that is about a sink's output mode, if any. */
export function outputModeIssue(e: unknown): Issue | undefined {
  if (!(e instanceof PipekitError)) return undefined;
  return e.issues.find((i) => i.path[0] === 'outputMode' || i.path[2] === 'outputMode');
}

/**
 * An output-mode refusal in the core's own words (its summary, its reason, its fix), followed by
 * what would keep the config's meaning. Spark refuses the same combinations, so the converter
 * cannot pick one silently: the user chooses.
 */
export function outputModeMessage(e: PipekitError, issue: Issue): string {
  const summary = e.message.split('\n')[0] ?? '';
  const reason = `${issue.message}${issue.fix ? ` (${issue.fix})` : ''}`;
  return issue.path[0] === 'outputMode' ? `${summary}: ${reason}` : reason;
}

const upserting = 'a Postgres load that upserts on a key, or Kafka';

/** The faithful alternatives to `mode` for a sink or a query that cannot take it. */
export function outputModeAlternatives(
  sink: SinkKind,
  mode: OutputMode,
  issue: Issue,
): string | undefined {
  if (mode === 'append' && issue.message.includes('needs a watermark'))
    return "Spark refuses append output of an aggregation without a watermark too (STREAMING_OUTPUT_MODE): declare the watermark of the event-time column in the config, or ask for 'update' or 'complete' output";
  const modes = sinkOutputModes[sink] as readonly OutputMode[];
  if (modes.includes(mode)) return undefined;
  if (mode === 'update')
    return `Spark refuses update output into ${sink} too. To keep each group's latest values: ${
      modes.includes('complete')
        ? "outputMode 'complete' (the whole result table is rewritten every batch), or "
        : ''
    }${upserting} (they take update output)`;
  if (mode === 'complete')
    return `Spark refuses complete output into ${sink} too: load into Delta, ${upserting}, which take complete output, or use outputMode 'append' with a watermark`;
  return undefined;
}
