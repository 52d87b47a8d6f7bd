import { resolve } from 'node:path';
import type { Issue } from '@pipekit/core';
import type { CompiledPipeline } from '../graph/compile-plan.js';
import { checkpointOptionError } from './errors.js';

/**
 * The checkpoint directory of each query, from its sinks' `checkpoint` options (resolved against
 * the working directory). The sinks of one query share one checkpoint, as they share batches; two
 * directories for one query, or one directory for two queries, are refused before anything runs.
 */
export function checkpointDirs(compiled: CompiledPipeline): Map<string, string> {
  const issues: Issue[] = [];
  const dirs = new Map<string, string>();
  const owner = new Map<string, string>();
  const indexOf = (id: string) => compiled.info.get(id)?.index ?? -1;
  for (const q of compiled.queries) {
    for (const k of q.sinks) {
      if (k.checkpoint === undefined) continue;
      const dir = resolve(k.checkpoint);
      const mine = dirs.get(q.id);
      if (mine !== undefined && mine !== dir)
        issues.push({
          path: ['nodes', indexOf(k.id), 'checkpoint'],
          message: `sink '${k.id}' shares its batches with the other sinks of query '${q.id}', which checkpoint to '${mine}'`,
          fix: 'give the sinks of one query the same checkpoint directory (or set it on one of them)',
        });
      const other = owner.get(dir);
      if (other !== undefined && other !== q.id)
        issues.push({
          path: ['nodes', indexOf(k.id), 'checkpoint'],
          message: `query '${other}' checkpoints to '${dir}' too`,
          fix: 'give each query its own checkpoint directory',
        });
      dirs.set(q.id, mine ?? dir);
      owner.set(dir, q.id);
    }
  }
  if (issues.length > 0)
    throw checkpointOptionError(`pipeline '${compiled.plan.name}' cannot run`, issues);
  return dirs;
}
