import { type Row, rowsOf } from '../connect/arrow-rows.js';
import { SparkConnectClient } from '../connect/client.js';
import { parseRemote } from '../connect/remote.js';
import type { ExecutePlanResponse } from '../gen/spark/connect/base_pb.js';
import type { CommandInit, RelationInit } from '../lower/messages.js';
import { relation } from '../lower/messages.js';
import { StreamingQuery } from './streaming-query.js';

/**
 * A Spark session over Spark Connect, the small part of PySpark's `SparkSession` pipekit needs:
 * run SQL, collect a relation's rows, run a command, start streaming queries.
 */
export class SparkSession {
  private constructor(readonly client: SparkConnectClient) {}

  static connect(remote: string): SparkSession {
    return new SparkSession(new SparkConnectClient(parseRemote(remote)));
  }

  /** Runs a command (a write, a SQL statement) to its end. */
  async command(command: CommandInit): Promise<ExecutePlanResponse[]> {
    return this.client.executeAll({ opType: { case: 'command', value: command } });
  }

  /** A SQL statement run now (DDL, `CREATE TEMPORARY FUNCTION`, ...). */
  async sql(statement: string): Promise<void> {
    await this.command({
      commandType: {
        case: 'sqlCommand',
        value: { input: relation('sql', { query: statement }) },
      },
    });
  }

  /** Every row of a relation. */
  async collect(rel: RelationInit): Promise<Row[]> {
    return rowsOf(await this.client.executeAll({ opType: { case: 'root', value: rel } }));
  }

  /** Rows of a SQL query. */
  async query(sql: string): Promise<Row[]> {
    return this.collect(relation('sql', { query: sql }));
  }

  /** Starts a streaming query (`writeStream...start()`); the handle polls and stops it. */
  async startStream(command: CommandInit): Promise<StreamingQuery> {
    for await (const r of this.client.execute({ opType: { case: 'command', value: command } })) {
      if (r.responseType.case === 'writeStreamOperationStartResult') {
        const id = r.responseType.value.queryId;
        if (!id) break;
        return new StreamingQuery(this.client, id.id, id.runId, r.responseType.value.name);
      }
    }
    throw new Error('Spark did not report the streaming query it started');
  }

  /** `EXPLAIN` of a relation, as the server prints it. */
  async explain(rel: RelationInit, extended = false): Promise<string> {
    const r = await this.client.analyze({
      case: 'explain',
      value: {
        plan: { opType: { case: 'root', value: rel } },
        explainMode: extended ? 4 : 1, // EXPLAIN_MODE_FORMATTED : EXPLAIN_MODE_SIMPLE
      },
    });
    return r.result.case === 'explain' ? r.result.value.explainString : '';
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
