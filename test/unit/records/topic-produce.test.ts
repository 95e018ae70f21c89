import { describe, expect, it } from 'vitest';
import type { AnyRecord } from '../../../src/kafka/producer.js';
import { produceSubjects } from '../../../src/records/produce-subjects.js';
import { RecordEncoder } from '../../../src/records/record-encoding.js';
import { produceTopic } from '../../../src/records/topic-produce.js';

const defaults = { lines: 'value' as const, keyFormat: 'text' as const, valueFormat: 'text' as const, headers: {}, ignorePartition: false, keepTimestamp: false };
const request = { topic: 't', partitionCount: 1, defaults, skipInvalid: false, validateOnly: false };
const encoder = new RecordEncoder(undefined, produceSubjects('t', [], { version: 'latest' }));

describe('produceTopic when a send fails', () => {
  it('sends nothing after the failed batch, counts its records in doubt and returns the summary with the error', async () => {
    const sent: string[] = [];
    const failure = new Error('broker went away');
    let calls = 0;
    const send = async (records: AnyRecord[]) => {
      calls++;
      // The second send fails: its records may or may not have been written.
      if (calls === 2) throw failure;
      for (const r of records) sent.push(String(r.value));
    };
    // A line at a time, with a pause between, so each send takes one line.
    async function* lines() {
      for (const v of ['1', '2', '3', '4']) {
        yield v;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    const { summary, error } = await produceTopic(lines(), encoder, send, request, new AbortController().signal);
    expect(error).toBe(failure);
    expect(sent).toEqual(['1']);
    expect(summary).toMatchObject({ sent: 1, failure: { line: null, inDoubt: 1, message: 'broker went away' } });
    expect(calls).toBe(2);
  });
});
