import { UsageError } from '../errors.js';

export interface DeltaOptions {
  /** vacuum: keep files removed less than this many hours ago (table default: 7 days). */
  readonly retentionHours: string | undefined;
  /** vacuum: list what would be deleted, delete nothing. */
  readonly dryRun: boolean;
  /** history: one JSON object a line instead of a table. */
  readonly json: boolean;
}

interface CommitRecord {
  readonly version: number;
  readonly timestamp: Date;
  readonly operation: string | null;
  readonly operationParameters: Readonly<Record<string, unknown>>;
  readonly appTransactions: Readonly<Record<string, number>>;
}

interface DeltaTableHandle {
  history(limit?: number): Promise<CommitRecord[]>;
  compact(): Promise<{ version: number | null; filesAdded: number; filesRemoved: number }>;
  vacuum(options: { retentionHours?: number; dryRun?: boolean }): Promise<string[]>;
}

/** What this command uses of @pipekit/delta (loaded only when it runs). */
interface DeltaPackage {
  DeltaTable: { open(path: string): Promise<DeltaTableHandle> };
}

export const deltaActions = ['optimize', 'vacuum', 'history'] as const;

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

/**
 * `pipe delta optimize|vacuum|history <path>`: table maintenance. `optimize` compacts small files
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
  const { DeltaTable } = await loadDelta();
  try {
    const table = await DeltaTable.open(path);
    switch (action) {
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
