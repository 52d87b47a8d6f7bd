import { formatIssues, type Issue, PipekitError } from '@pipekit/core';
import { compilePlan, defaultConnectors, loadConnectorPackages } from '@pipekit/runtime';
import { loadPipelines } from '../load-pipeline.js';

/**
 * `pipe validate <file.ts|plan.json>`: loads the pipelines (which checks their plans) and checks
 * that the runtime can run them (node kinds, UDFs, connectors). Prints every problem with its path.
 */
export async function validateCommand(
  file: string,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  const { pipelines } = await loadPipelines(file);
  let problems = 0;
  for (const p of pipelines) {
    const issues: Issue[] = [];
    try {
      compilePlan(p);
    } catch (e) {
      if (!(e instanceof PipekitError)) throw e;
      issues.push(...e.issues);
    }
    try {
      const registry = defaultConnectors();
      await loadConnectorPackages(p.plan, registry);
      compilePlan(p, registry);
    } catch (e) {
      if (!(e instanceof PipekitError)) throw e;
      const more = e.issues.length > 0 ? e.issues : [{ path: [], message: e.message }];
      for (const i of more)
        if (!issues.some((x) => x.message === i.message && x.path.join('.') === i.path.join('.')))
          issues.push(i);
    }
    const nodes = p.plan.nodes.length;
    if (issues.length === 0)
      io.stdout.write(`ok: ${file}: pipeline '${p.plan.name}' (${nodes} nodes)\n`);
    else {
      problems += issues.length;
      io.stdout.write(
        `${file}: pipeline '${p.plan.name}' has ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n${formatIssues(issues).replace(/^/gm, '  ')}\n`,
      );
    }
  }
  return problems === 0 ? 0 : 2;
}
