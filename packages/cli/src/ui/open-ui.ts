import { UsageError } from '../errors.js';
import type { PipelineGraph } from './graph.js';
import { UiServer, type UiStatus } from './ui-server.js';

/** `--ui-port` when not given: a fixed port a person can bookmark (Spark's UI has 4040). */
export const defaultUiPort = 4180;

export interface UiAddress {
  /** `--ui-port`: 0 = any free port. */
  readonly port: number;
  /** `--ui-host`: absent = 127.0.0.1. */
  readonly host: string | undefined;
}

/** Parses `--ui-port` and `--ui-host`. */
export function uiAddress(port: string | undefined, host: string | undefined): UiAddress {
  const n = port === undefined ? defaultUiPort : Number(port);
  if (!(Number.isInteger(n) && n >= 0 && n < 65536))
    throw new UsageError(`--ui-port needs a port number (0 = any free port), got '${port}'`);
  if (host !== undefined && host.trim() === '')
    throw new UsageError('--ui-host needs an address to serve on, such as 0.0.0.0');
  return { port: n, host };
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * Starts the UI server and prints its address on stderr. It serves on 127.0.0.1 unless `--ui-host`
 * names another interface, which gets a warning: the page has no login.
 */
export async function openUi(
  graphs: readonly PipelineGraph[],
  address: UiAddress,
  o: { readonly title: string; readonly status?: UiStatus },
  stderr: NodeJS.WritableStream,
): Promise<UiServer> {
  const host = address.host ?? '127.0.0.1';
  if (!loopbackHosts.has(host))
    stderr.write(
      `pipe: warning: the UI is served on ${host}, not only on this machine: anyone who can reach ${host}:${address.port === 0 ? '<port>' : address.port} sees the pipeline's DAG and progress (there is no login)\n`,
    );
  const ui = new UiServer(graphs, { host, port: address.port, ...o });
  try {
    const { url } = await ui.listen();
    stderr.write(`ui: ${url}\n`);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE')
      throw new UsageError(
        `--ui-port ${address.port} is in use on ${host}: give another port, or --ui-port 0 for any free one`,
      );
    if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND')
      throw new UsageError(`--ui-host ${host} is not an address of this machine (${err.code})`);
    throw e;
  }
  return ui;
}
