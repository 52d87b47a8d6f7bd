import { randomUUID } from 'node:crypto';
import { create, fromBinary, type MessageInitShape, toBinary } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import {
  type AnalyzePlanRequest,
  AnalyzePlanRequestSchema,
  type AnalyzePlanResponse,
  AnalyzePlanResponseSchema,
  ExecutePlanRequestSchema,
  type ExecutePlanResponse,
  ExecutePlanResponseSchema,
  type Plan,
  type PlanSchema,
  ReleaseSessionRequestSchema,
  ReleaseSessionResponseSchema,
} from '../gen/spark/connect/base_pb.js';
import type { SparkRemote } from './remote.js';
import { SparkError } from './spark-error.js';

/** A plan to run: `{ opType: { case: 'root', value: relation } }` or a command. */
export type PlanInit = MessageInitShape<typeof PlanSchema>;

/** What to analyze: `{ case: 'explain', value: { plan, explainMode } }`, `{ case: 'schema', ... }`. */
export type AnalyzeInit = Exclude<
  MessageInitShape<typeof AnalyzePlanRequestSchema>,
  AnalyzePlanRequest
>['analyze'];

const service = '/spark.connect.SparkConnectService';
const clientType = 'pipekit/0.1.0';
/** Results of a big batch read arrive in Arrow chunks; the server sends up to 128 MiB by default. */
const maxMessageBytes = 256 * 1024 * 1024;

/**
 * One Spark Connect session over gRPC: plans go to `ExecutePlan` (results stream back) and
 * `AnalyzePlan`. The session id is ours (a UUID, as Spark's clients make it), so every call of one
 * client shares the server-side session: its temporary views, its streaming queries.
 */
export class SparkConnectClient {
  readonly sessionId = randomUUID();
  private readonly client: grpc.Client;
  private readonly metadata = new grpc.Metadata();

  constructor(readonly remote: SparkRemote) {
    const credentials = remote.useSsl
      ? grpc.credentials.createSsl()
      : grpc.credentials.createInsecure();
    this.client = new grpc.Client(`${remote.host}:${remote.port}`, credentials, {
      'grpc.max_receive_message_length': maxMessageBytes,
      'grpc.max_send_message_length': maxMessageBytes,
    });
    if (remote.token !== undefined) this.metadata.set('authorization', `Bearer ${remote.token}`);
  }

  private userContext() {
    return { userId: this.remote.userId, userName: this.remote.userId };
  }

  /** Runs a plan (a relation or a command) and yields every response until the result is complete. */
  async *execute(plan: PlanInit): AsyncGenerator<ExecutePlanResponse> {
    const request = create(ExecutePlanRequestSchema, {
      sessionId: this.sessionId,
      userContext: this.userContext(),
      clientType,
      operationId: randomUUID(),
      plan,
    });
    const call = this.client.makeServerStreamRequest(
      `${service}/ExecutePlan`,
      (r: typeof request) => Buffer.from(toBinary(ExecutePlanRequestSchema, r)),
      (b: Buffer) => fromBinary(ExecutePlanResponseSchema, b),
      request,
      this.metadata,
      {},
    );
    try {
      for await (const response of call as AsyncIterable<ExecutePlanResponse>) yield response;
    } catch (e) {
      throw SparkError.from(e, this.remote);
    } finally {
      call.cancel();
    }
  }

  /** Every response of a plan, collected. */
  async executeAll(plan: PlanInit): Promise<ExecutePlanResponse[]> {
    const out: ExecutePlanResponse[] = [];
    for await (const r of this.execute(plan)) out.push(r);
    return out;
  }

  async analyze(analyze: AnalyzeInit): Promise<AnalyzePlanResponse> {
    const request: AnalyzePlanRequest = create(AnalyzePlanRequestSchema, {
      analyze,
      sessionId: this.sessionId,
      userContext: this.userContext(),
      clientType,
    });
    return this.unary(
      'AnalyzePlan',
      Buffer.from(toBinary(AnalyzePlanRequestSchema, request)),
      (b) => fromBinary(AnalyzePlanResponseSchema, b),
    );
  }

  private unary<R>(method: string, body: Buffer, decode: (b: Buffer) => R): Promise<R> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        `${service}/${method}`,
        (b: Buffer) => b,
        decode,
        body,
        this.metadata,
        {},
        (error, value) => {
          if (error) reject(SparkError.from(error, this.remote));
          else resolve(value as R);
        },
      );
    });
  }

  /** Ends the server-side session (its queries stop) and closes the channel. */
  async close(): Promise<void> {
    try {
      const request = create(ReleaseSessionRequestSchema, {
        sessionId: this.sessionId,
        userContext: this.userContext(),
        clientType,
      });
      await this.unary(
        'ReleaseSession',
        Buffer.from(toBinary(ReleaseSessionRequestSchema, request)),
        (b) => fromBinary(ReleaseSessionResponseSchema, b),
      );
    } catch {
      // The server may be gone already; closing the channel is all that is left to do.
    } finally {
      this.client.close();
    }
  }
}

export type { Plan };
