import type { Message, RecordMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { sendCompletely } from '../../../src/kafka/complete-send.js';

const answer = (topicName: string, partitions: number[]): RecordMetadata[] => partitions.map((partition) => ({ topicName, partition, errorCode: 0 }));
const messages = (partitions: number[]): Message[] => partitions.map((partition, i) => ({ key: `k${i}`, value: `v${i}`, partition }));

/**
 * kafkajs 2.2.4 answers a send whose retry skipped the partitions that moved to a broker that
 * had already answered with only the partitions it wrote (see complete-send.ts): the skipped
 * ones are sent again, and only they.
 */
describe('sendCompletely', () => {
  it('sends again the messages of partitions the answer lacks, and only those', async () => {
    const sent: number[][] = [];
    const answers = [[0, 2], [1]];
    await sendCompletely(async (m) => (sent.push(m.map((x) => x.partition!)), answer('t', answers.shift()!)), 't', messages([0, 1, 1, 2]));
    expect(sent).toEqual([[0, 1, 1, 2], [1, 1]]);
  });

  it('counts a partition answered with an error, or for another topic, as not written', async () => {
    const sent: number[][] = [];
    const answers: RecordMetadata[][] = [[{ topicName: 't', partition: 0, errorCode: 6 }, ...answer('other', [1])], answer('t', [0, 1])];
    await sendCompletely(async (m) => (sent.push(m.map((x) => x.partition!)), answers.shift()!), 't', messages([0, 1]));
    expect(sent).toEqual([[0, 1], [0, 1]]);
  });

  it('gives up with the partitions named when they are never written', async () => {
    await expect(sendCompletely(async () => answer('t', [0]), 't', messages([0, 3]))).rejects.toThrow(/partition\(s\) 3 of t after 5 sends/);
  });

  it('refuses messages whose partition was not pinned: it could not tell what is missing', async () => {
    await expect(sendCompletely(async () => [], 't', [{ key: 'k', value: 'v' }])).rejects.toThrow(/did not pin/);
  });
});
