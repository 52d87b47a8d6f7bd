import type { Row, Schema } from '@pipekit/core';
import { formatTable } from '@pipekit/runtime';
import { UsageError } from '../errors.js';

export interface DeltaOptions {
  /** vacuum: keep files removed less than this many hours ago (table default: 7 days). */
  readonly retentionHours: string | undefined;
  /** vacuum: list what would be deleted, delete nothing. */
  readonly dryRun: boolean;
  /** history, show: one JSON object a line instead of a table. */
  readonly json: boolean;
  /** show: how many rows to print (default 20, as Spark's `show()`). */
  readonly limit: string | undefined;
  /** show: the version to read (default: the latest). */
  readonly version: string | undefined;
}

interface CommitRecord {
  readonly version: number;
  readonly timestamp: Date;
  readonly operation: string | null;
  readonly operationParameters: Readonly<Record<string, unknown>>;
  readonly appTransactions: Readonly<Record<string, number>>;
}

interface DeltaTableHandle {
  snapshot(at?: { version?: number }): Promise<{ version: number; schema: Schema }>;
  read(at?: { version?: number }): Promise<Row[]>;
  history(limit?: number): Promise<CommitRecord[]>;
  compact(): Promise<{ version: number | null; filesAdded: number; filesRemoved: number }>;
  vacuum(options: { retentionHours?: number; dryRun?: boolean }): Promise<string[]>;
}

/** What this command uses of @pipekit/delta (loaded only when it runs). */
interface DeltaPackage {
  DeltaTable: { open(path: string): Promise<DeltaTableHandle> };
}

export const deltaActions = ['show', 'optimize', 'vacuum', 'history'] as const;

async function loadDelta(): Promise<DeltaPackage> {
  try {
    // A connector package, loaded only when this command runs (as `pipe run` loads connectors).
    const pkg = '@pipekit/delta';
    return (await import(pkg)) as DeltaPackage;
  } catch {
    throw new UsageError('pipe delta needs @pipekit/delta: npm install @pipekit/delta');
  }
}

/** A missing table or a bad argument is the caller's mistake (exit 2), not a runtime failure. */
function usageIfCallerError(e: unknown): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (e instanceof Error && (code === 'NOT_A_TABLE' || code === 'INVALID_ARGUMENT'))
    return new UsageError(e.message);
  return e;
}

function wholeNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(Number.isInteger(n) && n >= 0))
    throw new UsageError(`--${flag} needs a whole number >= 0, got '${text}'`);
  return n;
}

/**
 * `pipe delta show|optimize|vacuum|history <path>`: look at a table and maintain it. `show` prints
 * the first rows of a version as a table (like Spark's `show()`), `optimize` compacts small files
 * (one commit), `vacuum` deletes data files no version within the retention needs, `history`
 * lists the commits, newest first.
 */
export async function deltaCommand(
  action: string,
  path: string | undefined,
  options: DeltaOptions,
  io: { stdout: NodeJS.WritableStream },
): Promise<number> {
  if (!(deltaActions as readonly string[]).includes(action))
    throw new UsageError(
      `'pipe delta' knows ${deltaActions.join(', ')}, not '${action}': pipe delta history <path>`,
    );
  if (!path) throw new UsageError(`'pipe delta ${action}' needs a table path`);
  let retentionHours: number | undefined;
  if (options.retentionHours !== undefined) {
    retentionHours = Number(options.retentionHours);
    if (!(Number.isFinite(retentionHours) && retentionHours >= 0))
      throw new UsageError(
        `--retention-hours needs a number of hours, got '${options.retentionHours}'`,
      );
  }
  const limit = wholeNumber('limit', options.limit) ?? 20;
  const version = wholeNumber('version', options.version);
  const { DeltaTable } = await loadDelta();
  try {
    const table = await DeltaTable.open(path);
    switch (action) {
      case 'show': {
        const at = version === undefined ? undefined : { version };
        const [snapshot, rows] = await Promise.all([table.snapshot(at), table.read(at)]);
        if (options.json) {
          for (const r of rows.slice(0, limit)) io.stdout.write(`${JSON.stringify(r)}\n`);
          return 0;
        }
        io.stdout.write(
          `${path}: version ${snapshot.version}, ${rows.length.toLocaleString('en-US')} rows\n`,
        );
        io.stdout.write(formatTable(rows, snapshot.schema, limit, true));
        return 0;
      }
      case 'optimize': {
        const r = await table.compact();
        io.stdout.write(
          r.version === null
            ? `${path}: nothing to compact\n`
            : `${path}: version ${r.version}: ${r.filesRemoved} files compacted into ${r.filesAdded}\n`,
        );
        return 0;
      }
      case 'vacuum': {
        const deleted = await table.vacuum({
          ...(retentionHours === undefined ? {} : { retentionHours }),
          dryRun: options.dryRun,
        });
        for (const f of deleted) io.stdout.write(`${f}\n`);
        io.stdout.write(
          `${path}: ${deleted.length} files ${options.dryRun ? 'would be deleted' : 'deleted'}\n`,
        );
        return 0;
      }
      default: {
        const commits = await table.history();
        for (const c of commits) {
          if (options.json) {
            io.stdout.write(`${JSON.stringify({ ...c, timestamp: c.timestamp.toISOString() })}\n`);
            continue;
          }
          const apps = Object.entries(c.appTransactions)
            .map(([app, v]) => `${app}=${v}`)
            .join(' ');
          io.stdout.write(
            `${String(c.version).padStart(6)}  ${c.timestamp.toISOString()}  ${c.operation ?? '-'}${apps ? `  ${apps}` : ''}\n`,
          );
        }
        return 0;
      }
    }
  } catch (e) {
    throw usageIfCallerError(e);
  }
}
