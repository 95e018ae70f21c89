/**
 * Dead-letter context headers. streamflow writes Spring Kafka's `kafka_dlt-*` names and
 * encodings (so Spring tooling and anyone who knows them can read our DLQs) plus a few
 * `streamflow.*` headers for what Spring has no name for. Readers also understand Kafka
 * Connect's `__connect.errors.*` (all text) so `dlq browse`/`redrive` work on Connect DLQs.
 *
 * Spring encodings: partition is a 4-byte big-endian int, offset and timestamp are 8-byte
 * big-endian longs, everything else is UTF-8 text.
 */
export const SPRING = {
  topic: 'kafka_dlt-original-topic',
  partition: 'kafka_dlt-original-partition',
  offset: 'kafka_dlt-original-offset',
  timestamp: 'kafka_dlt-original-timestamp',
  timestampType: 'kafka_dlt-original-timestamp-type',
  group: 'kafka_dlt-original-consumer-group',
  exceptionClass: 'kafka_dlt-exception-fqcn',
  exceptionCauseClass: 'kafka_dlt-exception-cause-fqcn',
  exceptionMessage: 'kafka_dlt-exception-message',
  exceptionStacktrace: 'kafka_dlt-exception-stacktrace',
} as const;

export const STREAMFLOW = {
  service: 'streamflow.service',
  attempts: 'streamflow.attempts',
  firstFailure: 'streamflow.first-failure',
  lastFailure: 'streamflow.last-failure',
  /** Set by `dlq redrive`: which job sent the record back, and how many times it was. */
  redriveJob: 'streamflow.redrive-job',
  redriveCount: 'streamflow.redrive-count',
  /** Set when `dlq redrive` moved a record that kept failing to the DLQ's parking topic. */
  parkedByJob: 'streamflow.parked-by-job',
  /** Set by `dlq edit --execute` on the corrected record: the edit's id, the DLQ record it came from (T/P/O) and who edited it. */
  editId: 'streamflow.edit-id',
  editedFrom: 'streamflow.edited-from',
  editedBy: 'streamflow.edited-by',
  /**
   * When the saga's first record was written (epoch ms as decimal text): every derived event
   * and every forwarded record carries it, so a service can tell how old the saga is.
   */
  sagaStarted: 'streamflow.saga-started',
} as const;

export const CONNECT = {
  topic: '__connect.errors.topic',
  partition: '__connect.errors.partition',
  offset: '__connect.errors.offset',
  exceptionClass: '__connect.errors.exception.class.name',
  exceptionMessage: '__connect.errors.exception.message',
  exceptionStacktrace: '__connect.errors.exception.stacktrace',
  connector: '__connect.errors.connector.name',
} as const;

export interface DeadLetterContext {
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  originalTimestamp: string;
  consumerGroup: string;
  errorClass: string;
  errorMessage: string;
  stack: string;
  service: string;
  attempts: number;
  firstFailure: string;
  lastFailure: string;
}

/** Headers to add to a dead-lettered record (the original headers are kept beside them). */
export function encodeDeadLetterHeaders(ctx: DeadLetterContext): Record<string, Buffer> {
  const int32 = Buffer.alloc(4);
  int32.writeInt32BE(ctx.originalPartition);
  const long = (v: string) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(v));
    return b;
  };
  return {
    [SPRING.topic]: Buffer.from(ctx.originalTopic),
    [SPRING.partition]: int32,
    [SPRING.offset]: long(ctx.originalOffset),
    [SPRING.timestamp]: long(ctx.originalTimestamp),
    [SPRING.timestampType]: Buffer.from('CreateTime'),
    [SPRING.group]: Buffer.from(ctx.consumerGroup),
    [SPRING.exceptionClass]: Buffer.from(ctx.errorClass),
    [SPRING.exceptionMessage]: Buffer.from(ctx.errorMessage),
    [SPRING.exceptionStacktrace]: Buffer.from(ctx.stack),
    [STREAMFLOW.service]: Buffer.from(ctx.service),
    [STREAMFLOW.attempts]: Buffer.from(String(ctx.attempts)),
    [STREAMFLOW.firstFailure]: Buffer.from(ctx.firstFailure),
    [STREAMFLOW.lastFailure]: Buffer.from(ctx.lastFailure),
  };
}
