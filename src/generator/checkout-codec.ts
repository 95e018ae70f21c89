import path from 'node:path';
import { UsageError } from '../errors.js';
import { type Contract, isAvroContract, loadContracts, subjectName } from '../schema/contracts.js';
import { resolveRegisteredSchema } from '../schema/registered-schema.js';
import type { RegistryClient } from '../schema/registry-client.js';
import { type RegistrationResult, registerContracts } from '../schema/schema-registration.js';
import { avroTypeOf } from '../schema/schema-file.js';
import { FrameWriter } from '../schema/wire-format.js';
import type { CheckoutCodec } from './produce-checkout.js';

/** The records `produce checkout` writes, in this order. */
const GENERATED_RECORDS = ['OrderCreated', 'OrderCancelled'] as const;

/**
 * The generator's contracts as they apply to `topic`: registered under that topic's subjects,
 * each keeping its contract's naming strategy (so `my.orders-com.streamflow.checkout.OrderCreated`).
 */
export function generatorContracts(contracts: Contract[], topic: string): Contract[] {
  return GENERATED_RECORDS.map((record) => {
    const c = contracts.find((x) => isAvroContract(x) && x.recordName.endsWith(`.${record}`));
    if (!c) throw new UsageError(`the contracts have no ${record} record, which produce checkout writes`);
    return { ...c, topic, subject: subjectName(c.strategy, topic, c.recordName) };
  });
}

/**
 * The generator's codec: the registered ids of the OrderCreated and OrderCancelled contracts
 * of `topic`. Fails (exit 2) when they are not registered: producers never auto-register. The
 * hint is the command that registers them for this very topic.
 */
export async function resolveCheckoutCodec(client: RegistryClient, contractsDir: string, topic: string): Promise<CheckoutCodec> {
  const contracts = await loadContracts(contractsDir);
  const mine = generatorContracts(contracts, topic);
  const ownTopic = mine.every((c) => contracts.some((x) => x.subject === c.subject));
  const hint = `register them first: \`streamflow schema register --dir ${shellPath(contractsDir)}${ownTopic ? '' : ` --topic ${topic}`}\``;
  const [created, cancelled] = await Promise.all(mine.map((c) => resolveRegisteredSchema(client, c.subject, hint)));
  return checkoutCodecOf({
    OrderCreated: { id: created!.id, schema: created!.type.schema({ exportAttrs: true }) },
    OrderCancelled: { id: cancelled!.id, schema: cancelled!.type.schema({ exportAttrs: true }) },
  });
}

/** The codec of registered contracts: plain data, so the synthesis worker can rebuild it. */
export function checkoutCodecOf(contracts: CheckoutCodec['contracts']): CheckoutCodec {
  const types = { OrderCreated: avroTypeOf(contracts.OrderCreated.schema), OrderCancelled: avroTypeOf(contracts.OrderCancelled.schema) };
  const frames = new FrameWriter();
  return {
    contracts,
    schemaId: (t) => contracts[t].id,
    encode: (t, value) => frames.write(types[t], contracts[t].id, value),
    encodeUnchecked: (_t, value) => types.OrderCreated.toBuffer(value),
  };
}

/**
 * Register the order contracts under the subjects of another topic (`schema register --topic`,
 * benchmarks, tests, a rehearsal topic). Idempotent, as `schema register`.
 */
export async function registerOrderContractsFor(client: RegistryClient, contractsDir: string, topic: string): Promise<RegistrationResult[]> {
  return registerContracts(client, generatorContracts(await loadContracts(contractsDir), topic));
}

/** A folder as the operator can type it here: relative when under the working directory, quoted if need be. */
function shellPath(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.resolve(dir);
  return /^[\w./-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}
