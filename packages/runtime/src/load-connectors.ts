import type { Plan } from '@pipekit/core';
import { PipekitError } from '@pipekit/core';
import { type ConnectorPackage, type ConnectorRegistry, connectorPackages } from './connector.js';

/** The source, sink and dead-letter sink types a plan uses. */
export function connectorTypes(plan: Plan): { sources: Set<string>; sinks: Set<string> } {
  const sources = new Set<string>();
  const sinks = new Set<string>();
  for (const policy of [plan.policies.badRecords, plan.policies.late])
    if (policy.type === 'deadLetter') sinks.add(policy.sink.type);
  for (const n of plan.nodes) {
    if (n.kind === 'source') sources.add(n.source.type);
    if (n.kind === 'sink') sinks.add(n.sink.type);
    const own =
      n.kind === 'source' || n.kind === 'map'
        ? n.badRecords
        : n.kind === 'aggregate' || n.kind === 'dedupe'
          ? n.late
          : undefined;
    if (own?.type === 'deadLetter') sinks.add(own.sink.type);
    if (n.kind === 'expect')
      for (const r of n.rules)
        if (r.onFailure.type === 'deadLetter') sinks.add(r.onFailure.sink.type);
  }
  return { sources, sinks };
}

/**
 * The specifier Node could not resolve (`Cannot find package 'x' imported from ...`), or null when
 * `e` is not a module-not-found error.
 */
export function missingModule(e: unknown): string | null {
  const code = (e as { code?: string })?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return null;
  const m = /Cannot find (?:package|module) '([^']+)'/.exec(String((e as Error).message));
  return m?.[1] ?? null;
}

/**
 * Whether the missing module is the package itself (`pkg` or `pkg/sub`), not something the
 * package imports: only then is "install pkg" the fix. The path of a file inside an installed
 * package (`.../node_modules/@pipekit/delta/dist/x.js`) names the package but is not it.
 */
function isPackageMissing(e: unknown, pkg: string): boolean {
  const missing = missingModule(e);
  return missing === pkg || (missing?.startsWith(`${pkg}/`) ?? false);
}

/**
 * Imports the connector packages a plan needs and the registry lacks (`@pipekit/kafka` for a kafka
 * source, ...) and lets each register its connectors. A package that is not installed, or that
 * does not register the type, is a `PipekitError` saying what to install.
 *
 * @param importer how to import a package (the CLI passes one that resolves from the user's project).
 */
export async function loadConnectorPackages(
  plan: Plan,
  registry: ConnectorRegistry,
  importer: (pkg: string) => Promise<unknown> = (pkg) => import(pkg),
): Promise<void> {
  const { sources, sinks } = connectorTypes(plan);
  const missing = new Set([
    ...[...sources].filter((t) => !registry.hasSource(t)),
    ...[...sinks].filter((t) => !registry.hasSink(t)),
  ]);
  for (const type of missing) {
    const pkg = connectorPackages[type];
    if (!pkg) continue;
    let mod: Partial<ConnectorPackage>;
    try {
      mod = (await importer(pkg)) as Partial<ConnectorPackage>;
    } catch (e) {
      if (isPackageMissing(e, pkg))
        throw new PipekitError(
          `the plan uses ${type}, which comes with ${pkg}: install it (npm install ${pkg}) and run again`,
        );
      const missing = missingModule(e);
      if (missing !== null)
        throw new PipekitError(
          `the plan uses ${type}, which comes with ${pkg}: ${pkg} is installed but cannot load '${missing}'`,
          [
            {
              path: [],
              message: (e as Error).message.split('\n')[0] ?? `module '${missing}' is missing`,
              fix: `reinstall ${pkg} with its dependencies (npm install ${pkg}); a workspace package may need a build`,
            },
          ],
        );
      throw e;
    }
    if (typeof mod.registerConnectors === 'function') mod.registerConnectors(registry);
    if (
      (sources.has(type) && !registry.hasSource(type)) ||
      (sinks.has(type) && !registry.hasSink(type))
    )
      throw new PipekitError(
        `${pkg} does not provide a ${type} connector for this runtime yet (it exports no registerConnectors that registers '${type}')`,
      );
  }
}
