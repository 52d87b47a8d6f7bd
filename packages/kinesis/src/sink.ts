import {
  type KinesisClient,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { type KinesisSinkSpec, PipekitError } from '@pipekit/core';
import {
  isMarkedRetryable,
  type RetryPolicy,
  type SinkBatch,
  type SinkContext,
  type SinkWriter,
  withRetry,
} from '@pipekit/runtime';

/** PutRecords takes at most 500 records and 5 MiB a call. */
const maxRecords = 500;
const maxBytes = 5 * 1024 * 1024 - 64 * 1024;

/**
 * A few seconds of retries per PutRecords call (waits 0.25, 0.5, 1 and 2 s: 5 attempts); past
 * that the runtime's circuit breaker waits for the stream.
 */
export const defaultKinesisRetry: RetryPolicy = Object.freeze({
  maxRetryTimeMs: 4_000,
  initialRetryTimeMs: 250,
  maxRetryWaitMs: 5_000,
});

/** Some records of a batch were refused (throttled, internal errors) after every retry. */
export class KinesisPartialFailure extends Error {
  override readonly name = 'KinesisPartialFailure';
  /** Throttling passes: the runtime's circuit breaker waits and writes the batch again. */
  readonly retryable = true;
}

/** Throttling, 5xx and lost connections: worth another try. */
function isTransient(e: unknown): boolean {
  if (isMarkedRetryable(e)) return true;
  const err = e as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  return (
    err?.$retryable !== undefined ||
    (err?.$metadata?.httpStatusCode ?? 0) >= 500 ||
    /ProvisionedThroughputExceeded|LimitExceeded|InternalFailure|ServiceUnavailable|ECONNREFUSED|ECONNRESET|socket hang up/i.test(
      `${err?.name ?? ''} ${(e as Error)?.message ?? ''}`,
    )
  );
}

/** The records of one batch that Kinesis has not taken yet. */
interface Unsent {
  readonly queryId: string;
  readonly batchId: number;
  entries: PutRecordsRequestEntry[];
}

/**
 * Writes rows as JSON records with `PutRecords`. A call can succeed for some records and refuse
 * others (throttling; a record over the stream's maximum record size): only the refused ones are
 * sent again, with backoff, until all are in or the retry policy gives up. Then the runtime's
 * circuit breaker writes the batch again later: the writer remembers which of its records are in
 * and sends only the others. At least once: a batch replayed after a crash is written again.
 */
export class KinesisWriter implements SinkWriter {
  private unsent: Unsent | null = null;

  constructor(
    private readonly spec: KinesisSinkSpec,
    private readonly ctx: SinkContext,
    private readonly client: KinesisClient,
    private readonly policy: RetryPolicy = defaultKinesisRetry,
  ) {}

  async writeBatch(batch: SinkBatch): Promise<void> {
    const same = this.unsent?.queryId === batch.queryId && this.unsent.batchId === batch.batchId;
    const unsent: Unsent =
      same && this.unsent
        ? this.unsent
        : {
            queryId: batch.queryId,
            batchId: batch.batchId,
            entries: batch.rows.map((r, i) => this.entry(r, batch.batchId, i)),
          };
    this.unsent = unsent;
    while (unsent.entries.length > 0) await this.put(unsent, firstCall(unsent.entries));
    this.unsent = null;
  }

  isRetryable(e: unknown): boolean {
    return isTransient(e);
  }

  private entry(row: Record<string, unknown>, batchId: number, i: number): PutRecordsRequestEntry {
    const key = row[this.spec.partitionKey];
    if (key === null || key === undefined || String(key) === '')
      throw new PipekitError(
        `Kinesis sink ${this.spec.streamName}, batch ${batchId} row ${i}: the partition key column '${this.spec.partitionKey}' is empty`,
        [
          {
            path: ['partitionKey'],
            message: 'a record needs a partition key of 1 to 256 characters',
          },
        ],
      );
    return { Data: Buffer.from(JSON.stringify(row)), PartitionKey: String(key).slice(0, 256) };
  }

  /**
   * One PutRecords call for the first `count` unsent records, then again for the refused ones
   * only; the records taken leave `unsent` as each call returns.
   */
  private async put(unsent: Unsent, count: number): Promise<void> {
    let sending = count;
    const { batchId } = unsent;
    const stream = this.spec.streamName;
    await withRetry(
      `writing batch ${batchId} to Kinesis stream ${stream}`,
      async () => {
        const records = unsent.entries.slice(0, sending);
        const r = await this.client.send(
          new PutRecordsCommand({ StreamName: stream, Records: records }),
        );
        const results = r.Records ?? [];
        const refused = r.FailedRecordCount ? records.filter((_x, i) => results[i]?.ErrorCode) : [];
        unsent.entries = [...refused, ...unsent.entries.slice(sending)];
        sending = refused.length;
        if (refused.length === 0) return;
        const codes = [...new Set(results.flatMap((x) => (x.ErrorCode ? [x.ErrorCode] : [])))];
        throw new KinesisPartialFailure(
          `Kinesis refused ${refused.length} of ${records.length} records of batch ${batchId} (${codes.join(', ')})`,
        );
      },
      {
        policy: this.policy,
        logger: this.ctx.logger,
        describe: (e) => ({
          endpoint: this.spec.endpoint ?? `Kinesis ${this.spec.region}`,
          text: `Kinesis stream ${stream}: ${e instanceof Error ? e.message : String(e)}`,
          check: `that the stream ${stream} exists in ${this.spec.region} and the credentials may write to it (throttling passes: the sink waits; a record over the stream's maximum record size waits for UpdateMaxRecordSize)`,
          retryable: isTransient(e),
        }),
      },
    );
  }

  close(): void {
    this.client.destroy();
  }
}

/** How many of the first records one PutRecords call takes (at most 500 records and 5 MiB). */
function firstCall(entries: readonly PutRecordsRequestEntry[]): number {
  let bytes = 0;
  let n = 0;
  for (const e of entries) {
    const size = (e.Data?.length ?? 0) + (e.PartitionKey?.length ?? 0);
    if (n > 0 && (n >= maxRecords || bytes + size > maxBytes)) break;
    bytes += size;
    n++;
  }
  return n;
}
