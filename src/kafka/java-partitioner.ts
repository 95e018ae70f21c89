import type { ICustomPartitioner } from 'kafkajs';
import { keyHash } from '../topics/partitioner.js';

/**
 * kafkajs' DefaultPartitioner, the Java client's choice for keyed records (murmur2 of the key
 * modulo the partition count) and round robin over available partitions for the others, with
 * the hash in 32-bit integer arithmetic: kafkajs emulates 64-bit Longs for it, which was a
 * tenth of the generator's CPU. The unit tests hold the two to the same partition for each key.
 * The choice is pinned on the message: a retry keeps it, and sendCompletely can check that
 * every partition a send addressed was written.
 */
export const JavaCompatiblePartitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  const choose = ({ topic, partitionMetadata, message }: Parameters<ReturnType<ICustomPartitioner>>[0]): number => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    if (message.key !== null && message.key !== undefined) return keyHash(message.key) % partitionMetadata.length;
    const next = (counters.get(topic) ?? Math.floor(Math.random() * 2 ** 31)) + 1;
    counters.set(topic, next);
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    if (available.length > 0) return available[(next & 0x7fffffff) % available.length]!.partitionId;
    return (next & 0x7fffffff) % partitionMetadata.length; // none available: like kafkajs, one that is not
  };
  return (args) => (args.message.partition = choose(args));
};
