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

/**
 * Writes rows as JSON records with `PutRecords`. A call can succeed for some records and refuse
 * others (throttling): only the refused ones are sent again, with backoff, until all are in or the
 * retry policy gives up (then the runtime's circuit breaker takes over). At least once: a batch
 * replayed after a crash is written again.
 */
export class KinesisWriter implements SinkWriter {
  constructor(
    private readonly spec: KinesisSinkSpec,
    private readonly ctx: SinkContext,
    private readonly client: KinesisClient,
    private readonly policy: RetryPolicy = defaultKinesisRetry,
  ) {}

  async writeBatch(batch: SinkBatch): Promise<void> {
    const entries = batch.rows.map((r, i) => this.entry(r, batch.batchId, i));
    for (const chunk of chunks(entries)) await this.put(chunk, batch.batchId);
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

  /** One PutRecords call, then again for the refused records only. */
  private async put(entries: PutRecordsRequestEntry[], batchId: number): Promise<void> {
    let pending = entries;
    const stream = this.spec.streamName;
    await withRetry(
      `writing batch ${batchId} to Kinesis stream ${stream}`,
      async () => {
        const r = await this.client.send(
          new PutRecordsCommand({ StreamName: stream, Records: pending }),
        );
        if (!r.FailedRecordCount) return;
        const failed = (r.Records ?? []).flatMap((x, i) => (x.ErrorCode ? [pending[i]!] : []));
        const codes = [
          ...new Set((r.Records ?? []).flatMap((x) => (x.ErrorCode ? [x.ErrorCode] : []))),
        ];
        pending = failed;
        throw new KinesisPartialFailure(
          `Kinesis refused ${failed.length} of ${entries.length} records of batch ${batchId} (${codes.join(', ')})`,
        );
      },
      {
        policy: this.policy,
        logger: this.ctx.logger,
        describe: (e) => ({
          endpoint: this.spec.endpoint ?? `Kinesis ${this.spec.region}`,
          text: `Kinesis stream ${stream}: ${e instanceof Error ? e.message : String(e)}`,
          check: `that the stream ${stream} exists in ${this.spec.region} and the credentials may write to it (throttling passes: the sink waits)`,
          retryable: isTransient(e),
        }),
      },
    );
  }

  close(): void {
    this.client.destroy();
  }
}

/** Groups records into PutRecords calls within the count and size limits. */
function* chunks(entries: readonly PutRecordsRequestEntry[]): Generator<PutRecordsRequestEntry[]> {
  let chunk: PutRecordsRequestEntry[] = [];
  let bytes = 0;
  for (const e of entries) {
    const size = (e.Data?.length ?? 0) + (e.PartitionKey?.length ?? 0);
    if (chunk.length > 0 && (chunk.length >= maxRecords || bytes + size > maxBytes)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(e);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}
