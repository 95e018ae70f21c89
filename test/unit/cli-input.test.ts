import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMain } from '../run-main.js';

/*
 * Invalid input across commands: a clear message naming the flag, file or key, and exit 2,
 * before anything is sent anywhere. The brokers, registry and Redis point at a closed port,
 * so a check that slipped past validation would show up as exit 3 instead.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'streamflow-cli-input-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const DEAD = '127.0.0.1:1';
const env = {
  CI: 'true',
  STREAMFLOW_CONFIG: path.join(dir, 'no-config.yaml'),
  STREAMFLOW_STATE_DIR: path.join(dir, 'state'),
  STREAMFLOW_BROKERS: DEAD,
  STREAMFLOW_REGISTRY: `http://${DEAD}/apis/ccompat/v7`,
  STREAMFLOW_REDIS: `redis://${DEAD}`,
};

const run = (args: string[], extraEnv: Record<string, string> = {}) => runMain(args, { ...env, ...extraEnv });

const badCsv = file('bad.csv', 'checkout.orders,0,12\ncheckout.orders,one,13\n');
const shortCsv = file('short.csv', 'checkout.orders,0\n');
const badYaml = file('bad.yaml', 'topics:\n  - name: checkout.orders\n    partitions: [12\n');
const wrongTopology = file('wrong.yaml', 'topics:\n  - name: checkout.orders\n    partitions: -3\n');
const emptyYaml = file('empty.yaml', '');
const notJson = file('notjson.avsc', '{"type": "record", "name": ');
const notAvro = file('notavro.avsc', JSON.stringify({ type: 'record', name: 'X', fields: [{ name: 'a', type: 'nosuchtype' }] }));
const goodAvro = file('good.avsc', JSON.stringify({ type: 'record', name: 'X', fields: [{ name: 'a', type: 'string' }] }));
const badConfig = file('config.yaml', 'contexts:\n  prod:\n    brokers: [not-a-broker]\n');

const cases: Array<{ name: string; args: string[]; says: RegExp; env?: Record<string, string> }> = [
  { name: 'produce: a rate that is not N/s', args: ['produce', 'checkout', '--count', '10', '--rate', 'bad'], says: /rate/i },
  { name: 'produce: a duration that is not one', args: ['produce', 'checkout', '--duration', 'bad'], says: /--duration "bad" is not a duration/ },
  { name: 'produce: a negative count', args: ['produce', 'checkout', '--count', '-5'], says: /--count must be a positive integer/ },
  { name: 'produce: a share above 1', args: ['produce', 'checkout', '--count', '10', '--poison', '2'], says: /--poison is a share between 0 and 1/ },
  { name: 'produce: neither count nor duration', args: ['produce', 'checkout'], says: /--count N or --duration D/ },
  { name: 'consume: a fail rate above 1', args: ['consume', '--service', 'payment', '--fail-rate', '3'], says: /--fail-rate/ },
  { name: 'consume: an unknown service', args: ['consume', '--service', 'billing'], says: /service/ },
  { name: 'consume: an idle time that is not a duration', args: ['consume', '--service', 'payment', '--until-idle', 'soon'], says: /--until-idle "soon" is not a duration/ },
  { name: 'offsets reset: --to-offset abc', args: ['offsets', 'reset', '--group', 'g', '--topic', 't', '--to-offset', 'abc'], says: /--to-offset must be a whole number, got "abc"/ },
  { name: 'offsets reset: an offset beyond int64', args: ['offsets', 'reset', '--group', 'g', '--topic', 't', '--to-offset', '9223372036854775808'], says: /int64/ },
  { name: 'offsets reset: a bad CSV line', args: ['offsets', 'reset', '--group', 'g', '--from-file', badCsv], says: /bad\.csv line 2: partition "one" is not a number/ },
  { name: 'offsets reset: a CSV with too few fields', args: ['offsets', 'reset', '--group', 'g', '--from-file', shortCsv], says: /short\.csv line 1: expected/ },
  { name: 'offsets reset: a missing CSV', args: ['offsets', 'reset', '--group', 'g', '--from-file', path.join(dir, 'none.csv')], says: /cannot read --from-file .*none\.csv/ },
  { name: 'offsets reset: a date-time that is not ISO-8601', args: ['offsets', 'reset', '--group', 'g', '--topic', 't', '--to-datetime', 'yesterday'], says: /--to-datetime "yesterday" is not an ISO-8601 date-time/ },
  { name: 'offsets reset: a duration that is not ISO-8601', args: ['offsets', 'reset', '--group', 'g', '--topic', 't', '--by-duration', '1h'], says: /--by-duration "1h" is not an ISO-8601 duration/ },
  { name: 'offsets reset: two modes', args: ['offsets', 'reset', '--group', 'g', '--topic', 't', '--to-earliest', '--to-latest'], says: /give one MODE/ },
  { name: 'offsets reset: a bad partition list', args: ['offsets', 'reset', '--group', 'g', '--topic', 't:x', '--to-earliest'], says: /partition "x" is not a number/ },
  { name: 'topology plan: YAML that does not parse', args: ['topology', 'plan', '-f', badYaml], says: /bad\.yaml is not valid YAML/ },
  { name: 'topology plan: a negative partition count', args: ['topology', 'plan', '-f', wrongTopology], says: /wrong\.yaml: .*partitions/ },
  { name: 'topology plan: an empty file', args: ['topology', 'plan', '-f', emptyYaml], says: /empty\.yaml is empty/ },
  { name: 'topology plan: a missing file', args: ['topology', 'plan', '-f', path.join(dir, 'none.yaml')], says: /cannot read topology file .*none\.yaml: no such file/ },
  { name: 'schema check: a schema file that is not JSON', args: ['schema', 'check', '--schema', notJson, '--against', goodAvro], says: /notjson\.avsc: not a valid Avro schema: schema is not valid JSON/ },
  { name: 'schema check: JSON that is not Avro', args: ['schema', 'check', '--schema', notAvro, '--against', goodAvro], says: /notavro\.avsc: not a valid Avro schema/ },
  { name: 'schema check: an unknown level', args: ['schema', 'check', '--schema', goodAvro, '--against', goodAvro, '--level', 'SIDEWAYS'], says: /level/i },
  { name: 'schema register: a schema file that is not JSON', args: ['schema', 'register', '--subject', 's', '--schema', notJson], says: /notjson\.avsc: not a valid Avro schema/ },
  { name: 'topic create: zero partitions', args: ['topic', 'create', 'orders', '--partitions', '0'], says: /--partitions/ },
  { name: 'topic add-partitions: a count that is not a number', args: ['topic', 'add-partitions', 'orders', '--to', 'many'], says: /--to/ },
  { name: 'partition: a partition count of zero', args: ['partition', '--key', 'k', '--partitions', '0'], says: /--partitions/ },
  { name: 'lag: a watch interval that is not a duration', args: ['lag', '--watch', 'often'], says: /--watch/ },
  { name: 'lag: a threshold that is not a count', args: ['lag', '--fail-above', '-1'], says: /--fail-above must be a whole number/ },
  { name: 'lag: a threshold that is not a number names the flag and the form', args: ['lag', '--fail-above', 'abc'], says: /--fail-above must be a whole number \(0 or more\), got "abc"/ },
  { name: 'dlq redrive: a rate that is not N/s', args: ['dlq', 'redrive', 'checkout.payment.dlq', '--rate', 'fast'], says: /--rate must be a positive count per unit, e\.g\. 2000\/s .*got "fast"/ },
  { name: 'dlq redrive: a negative rate names the flag, not "argument 5"', args: ['dlq', 'redrive', 'checkout.payment.dlq', '--rate', '-5/s'], says: /--rate must be a positive count per unit, e\.g\. 2000\/s .*got "-5\/s"/ },
  { name: 'produce: a rate that is not one names the flag', args: ['produce', 'checkout', '--count', '1', '--rate', '5 per sec'], says: /--rate must be a positive count per unit/ },
  { name: 'dlq browse: a limit that is not a number', args: ['dlq', 'browse', 'checkout.payment.dlq', '--limit', 'ten'], says: /--limit must be a positive/ },
  { name: 'global: a broker that is not host:port', args: ['topic', 'list', '--brokers', 'localhost'], says: /broker "localhost" is not host:port/ },
  { name: 'global: an unknown context', args: ['topic', 'list', '--context', 'nope'], says: /unknown context "nope"/ },
  { name: 'global: a config file with a bad broker', args: ['topic', 'list', '--context', 'prod'], says: /contexts\.prod\.brokers\.0: each broker is host:port/, env: { STREAMFLOW_CONFIG: badConfig } },
];

describe('invalid CLI input: a clear error and exit 2', () => {
  it.each(cases)('$name', async ({ args, says, env: extra }) => {
    const r = await run([...args, '--json'], extra);
    expect(r.err).toMatch(says);
    expect(r.code, r.err).toBe(2);
    expect(r.out).toBe(''); // no half result on stdout for a script to misread
    expect(r.err).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});
