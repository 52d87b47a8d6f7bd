import { readFileSync } from 'node:fs';
import type { QueryProgress } from '@pipekit/runtime';
import { UsageError } from '../errors.js';
import { type PipelineGraph, parseGraph } from './graph.js';
import type { UiStatus } from './ui-server.js';

/** What a recording (`pipe run --json > metrics.jsonl`) holds for the page. */
export interface Recording {
  readonly graphs: PipelineGraph[];
  readonly records: QueryProgress[];
  readonly status: UiStatus;
  /** Lines that looked like JSON but did not parse (a line cut short when the run was killed). */
  readonly unreadable: number;
}

function isProgress(v: unknown): v is QueryProgress {
  const p = v as Partial<QueryProgress> & { type?: unknown };
  return (
    p?.type === 'progress' &&
    typeof p.queryId === 'string' &&
    typeof p.batchId === 'number' &&
    typeof p.timestamp === 'string' &&
    Array.isArray(p.sources) &&
    Array.isArray(p.nodes)
  );
}

/**
 * Reads a JSON-progress recording: `graph`, `progress` and `summary` lines (any other line, such as
 * a console sink's table or a log line, is skipped).
 */
export function readRecording(file: string): Recording {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const graphs: PipelineGraph[] = [];
  const records: QueryProgress[] = [];
  const ended: string[] = [];
  let unreadable = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      unreadable++;
      continue;
    }
    const graph = parseGraph(v);
    if (graph) graphs.push(graph);
    else if (isProgress(v)) {
      const { type: _type, ...p } = v as QueryProgress & { type: string };
      records.push(p);
    } else if ((v as { type?: unknown }).type === 'summary') {
      const s = v as { pipeline?: string; stoppedBy?: string };
      ended.push(`'${s.pipeline}' ${s.stoppedBy ?? 'ended'}`);
    }
  }
  if (records.length === 0)
    throw new UsageError(
      `${file} has no progress lines ({"type":"progress",...}): record a run with pipe run <file> --json > ${file}`,
    );
  const first = records[0]!.timestamp;
  const last = records.at(-1)!.timestamp;
  return {
    graphs,
    records,
    unreadable,
    status: {
      state: 'replay',
      message: `${records.length} batch${records.length === 1 ? '' : 'es'} from ${first} to ${last}${ended.length > 0 ? `; ${ended.join(', ')}` : '; the recording has no summary (the run was still going, or was killed)'}`,
    },
  };
}
