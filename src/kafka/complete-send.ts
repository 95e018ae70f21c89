import type { Message, RecordMetadata } from 'kafkajs';

/**
 * kafkajs 2.2.4 can resolve a send without writing some of its partitions: when a retry
 * follows a leader change (a broker died mid-send), it skips every broker that answered an
 * earlier attempt, so the partitions that moved to such a broker are never written and the
 * send still succeeds (sendMessages.js, `brokersWithoutResponse`). A send here therefore
 * checks the answer: JavaCompatiblePartitioner pins each message's partition on the message,
 * and the messages of a partition the answer lacks are sent again, in the same transaction
 * when there is one, until every partition they address is written.
 */
export async function sendCompletely(send: (messages: Message[]) => Promise<RecordMetadata[]>, topic: string, messages: Message[]): Promise<void> {
  let pending = messages;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const written = new Set((await send(pending)).filter((m) => m.topicName === topic && m.errorCode === 0).map((m) => m.partition));
    pending = pending.filter((m) => m.partition === undefined || !written.has(m.partition));
    if (pending.some((m) => m.partition === undefined)) throw new Error(`cannot check a send to ${topic}: its partitioner did not pin the partitions (use JavaCompatiblePartitioner)`);
    if (pending.length > 0 && attempt >= MAX_SENDS) {
      throw new Error(`kafkajs did not write partition(s) ${[...new Set(pending.map((m) => m.partition))].join(', ')} of ${topic} after ${attempt} sends`);
    }
  }
}

const MAX_SENDS = 5;
