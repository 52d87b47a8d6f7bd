/** What the peer benchmark sends each engine's driver per run (one JSON line; Kafka Streams gets the same as words). */
export interface RunCommand {
  readonly workload: 'w1' | 'w2' | 'w3' | 'w4';
  readonly bootstrap: string;
  readonly input: string;
  /** W1, W2: the output topic. */
  readonly output?: string;
  /** W3: the Delta table's directory. */
  readonly table?: string;
  readonly records: number;
  /** W2: records per micro-batch (Spark's and pipekit's maxOffsetsPerTrigger). */
  readonly batchRecords: number;
  /** W2: watermark delay (Kafka Streams: grace). */
  readonly delayMs: number;
  /** Kafka Streams: `exactly_once_v2` or `at_least_once`. */
  readonly guarantee?: string;
}

/** A driver's answer: seconds from starting the query to its end (output flushed). */
export interface RunAnswer {
  readonly seconds: number;
  readonly processed: number;
}
