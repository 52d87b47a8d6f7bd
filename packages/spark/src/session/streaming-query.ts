import type { SparkConnectClient } from '../connect/client.js';
import { SparkError } from '../connect/spark-error.js';
import type { StreamingQueryCommandResult } from '../gen/spark/connect/commands_pb.js';
import type { CommandInit } from '../lower/messages.js';

type QueryCommand = NonNullable<
  Extract<CommandInit['commandType'], { case: 'streamingQueryCommand' }>['value']
>['command'];

export interface QueryStatus {
  readonly message: string;
  readonly isDataAvailable: boolean;
  readonly isTriggerActive: boolean;
  readonly isActive: boolean;
}

/** A running Spark streaming query, by its id and run id (`StreamingQuery` in PySpark). */
export class StreamingQuery {
  constructor(
    private readonly client: SparkConnectClient,
    readonly id: string,
    readonly runId: string,
    readonly name: string,
  ) {}

  private async run(command: QueryCommand): Promise<StreamingQueryCommandResult> {
    const responses = await this.client.executeAll({
      opType: {
        case: 'command',
        value: {
          commandType: {
            case: 'streamingQueryCommand',
            value: { queryId: { id: this.id, runId: this.runId }, command },
          },
        },
      },
    });
    for (const r of responses)
      if (r.responseType.case === 'streamingQueryCommandResult') return r.responseType.value;
    throw new Error('Spark did not answer the streaming query command');
  }

  async status(): Promise<QueryStatus> {
    const r = await this.run({ case: 'status', value: true });
    if (r.resultType.case !== 'status') throw new Error('Spark did not report the query status');
    const s = r.resultType.value;
    return {
      message: s.statusMessage,
      isDataAvailable: s.isDataAvailable,
      isTriggerActive: s.isTriggerActive,
      isActive: s.isActive,
    };
  }

  /** The progress of its recent micro-batches (Spark keeps the last 100), parsed from Spark's JSON. */
  async recentProgress(): Promise<SparkProgress[]> {
    const r = await this.run({ case: 'recentProgress', value: true });
    if (r.resultType.case !== 'recentProgress') return [];
    return r.resultType.value.recentProgressJson.map((j) => JSON.parse(j) as SparkProgress);
  }

  /** Waits up to `timeoutMs` for the query to end; true when it has. */
  async awaitTermination(timeoutMs: number): Promise<boolean> {
    const r = await this.run({ case: 'awaitTermination', value: { timeoutMs: BigInt(timeoutMs) } });
    return r.resultType.case === 'awaitTermination' && r.resultType.value.terminated;
  }

  /** The error that ended the query, when one did. */
  async exception(): Promise<SparkError | null> {
    const r = await this.run({ case: 'exception', value: true });
    if (r.resultType.case !== 'exception' || r.resultType.value.exceptionMessage === undefined)
      return null;
    return new SparkError(r.resultType.value.exceptionMessage, r.resultType.value.errorClass);
  }

  async processAllAvailable(): Promise<void> {
    await this.run({ case: 'processAllAvailable', value: true });
  }

  /** Stops the query: the batch in flight is interrupted, the checkpoint keeps what was committed. */
  async stop(): Promise<void> {
    await this.run({ case: 'stop', value: true });
  }
}

/** Spark's `StreamingQueryProgress` JSON, the fields pipekit reads. */
export interface SparkProgress {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly timestamp: string;
  readonly batchId: number;
  readonly batchDuration?: number;
  readonly durationMs?: Record<string, number>;
  readonly eventTime?: {
    readonly watermark?: string;
    readonly max?: string;
    readonly min?: string;
  };
  readonly stateOperators?: readonly {
    readonly operatorName: string;
    readonly numRowsTotal: number;
    readonly numRowsUpdated: number;
    readonly memoryUsedBytes: number;
    readonly numRowsDroppedByWatermark: number;
  }[];
  readonly sources: readonly {
    readonly description: string;
    readonly startOffset: unknown;
    readonly endOffset: unknown;
    readonly numInputRows: number;
    readonly inputRowsPerSecond?: number;
    readonly processedRowsPerSecond?: number;
  }[];
  readonly sink: { readonly description: string; readonly numOutputRows: number };
}
