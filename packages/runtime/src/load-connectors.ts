import type { Plan } from '@pipekit/core';
import { PipekitError } from '@pipekit/core';
import { type ConnectorPackage, type ConnectorRegistry, connectorPackages } from './connector.js';

/** The source, sink and dead-letter sink types a plan uses. */
export function connectorTypes(plan: Plan): { sources: Set<string>; sinks: Set<string> } {
  const sources = new Set<string>();
  const sinks = new Set<string>();
  if (plan.policies.badRecords.type === 'deadLetter') sinks.add(plan.policies.badRecords.sink.type);
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
  }
  return { sources, sinks };
}

function isModuleNotFound(e: unknown, pkg: string): boolean {
  const code = (e as { code?: string })?.code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    String((e as Error).message).includes(pkg)
  );
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
      if (isModuleNotFound(e, pkg))
        throw new PipekitError(
          `the plan uses ${type}, which comes with ${pkg}: install it (npm install ${pkg}) and run again`,
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
