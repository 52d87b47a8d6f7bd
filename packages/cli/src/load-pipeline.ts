import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultPipelineName, PipekitError, type Plan, parsePlan } from '@pipekit/core';
import type { RunnablePipeline } from '@pipekit/runtime';
import { UsageError } from './errors.js';

const moduleExtensions = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.tsx']);

function isPipeline(v: unknown): v is RunnablePipeline {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as { plan?: { nodes?: unknown }; udfs?: unknown };
  return (
    typeof p.plan === 'object' &&
    p.plan !== null &&
    Array.isArray(p.plan.nodes) &&
    p.udfs instanceof Map
  );
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object')
    return `an object with keys ${Object.keys(v).slice(0, 5).join(', ') || '(none)'}`;
  return typeof v;
}

/**
 * The pipelines a file defines: a TypeScript (or JavaScript) module whose default export is a
 * pipeline or an array of them, loaded as it is (no build step); or a plan as JSON.
 *
 * @throws UsageError for a missing file, a module without a default export or one that is not a
 * pipeline; PipekitError for an invalid plan (from the builders or parsePlan).
 */
export async function loadPipelines(
  file: string,
): Promise<{ path: string; pipelines: RunnablePipeline[] }> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UsageError(`no such file: ${file}`);
  if (!statSync(path).isFile())
    throw new UsageError(`${file} is a directory; give a .pipeline.ts file or a plan .json`);
  const ext = extname(path).toLowerCase();
  if (ext === '.json')
    return {
      path,
      pipelines: [{ plan: parsePlan(readFileSync(path, 'utf8'), file), udfs: new Map() }],
    };
  if (!moduleExtensions.has(ext))
    throw new UsageError(
      `${file}: expected a .ts or .js module, or a plan .json (got '${ext || 'no extension'}')`,
    );
  let mod: { default?: unknown };
  try {
    const { tsImport } = await import('tsx/esm/api');
    mod = (await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown };
  } catch (e) {
    if (e instanceof PipekitError || (e as Error)?.name === 'PipekitError') throw e;
    throw new UsageError(`${file} could not be loaded: ${(e as Error)?.message ?? String(e)}`, {
      cause: e,
    });
  }
  if (!('default' in mod) || mod.default === undefined)
    throw new UsageError(
      `${file} has no default export; end it with \`export default <pipeline>\` (a stream's .sink.xxx(...) or pipeline(...)), or an array of pipelines`,
    );
  const value = mod.default;
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0)
    throw new UsageError(
      `${file}: the default export is an empty array; export at least one pipeline`,
    );
  list.forEach((p, i) => {
    if (!isPipeline(p))
      throw new UsageError(
        `${file}: the default export${Array.isArray(value) ? `[${i}]` : ''} is not a pipeline (got ${describe(p)}); did you forget the .sink.xxx(...) at the end?`,
      );
  });
  return { path, pipelines: namedAfter(file, list as RunnablePipeline[]) };
}

/** `revenue.pipeline.ts` → `revenue`; `etl.ts` → `etl`. */
export function pipelineNameOf(file: string): string {
  const base = basename(file);
  return base.replace(/\.pipeline\.[cm]?[jt]sx?$/i, '').replace(/\.[cm]?[jt]sx?$/i, '') || base;
}

/**
 * Pipelines nobody named take their file's name, as a person calls them (`revenue`, and
 * `revenue-2`... when a file exports several), in the summary, logs, metrics and pictures.
 */
function namedAfter(file: string, list: readonly RunnablePipeline[]): RunnablePipeline[] {
  const stem = pipelineNameOf(file);
  // A sink's queryName names the pipeline too: `queryName: 'pipeline'` keeps the old default.
  const isUnnamed = (p: RunnablePipeline) =>
    p.plan.name === defaultPipelineName &&
    !p.plan.nodes.some((n) => n.kind === 'sink' && n.queryName !== undefined);
  const unnamed = list.filter(isUnnamed).length;
  let n = 0;
  return list.map((p) => {
    if (!isUnnamed(p)) return p;
    n++;
    const name = unnamed > 1 && n > 1 ? `${stem}-${n}` : stem;
    return { ...p, plan: { ...p.plan, name } };
  });
}

/** The plan with every sink's trigger set to `once` (`pipe run --once`). */
export function withOnceTriggers(plan: Plan): Plan {
  return {
    ...plan,
    nodes: plan.nodes.map((n) =>
      n.kind === 'sink' ? { ...n, trigger: { type: 'once' as const } } : n,
    ),
  };
}
