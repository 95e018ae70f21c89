import { loadContracts, subjectName } from '../schema/contracts.js';
import { resolveRegisteredSchema } from '../schema/registered-schema.js';
import type { RegistryClient } from '../schema/registry-client.js';
import { encodeWithSchemaId } from '../schema/wire-format.js';
import type { CheckoutCodec } from './produce-checkout.js';

/**
 * The generator's codec: the registered ids of the OrderCreated and OrderCancelled contracts
 * of `topic`. Fails (exit 2) when they are not registered: producers never auto-register.
 */
export async function resolveCheckoutCodec(client: RegistryClient, contractsDir: string, topic: string): Promise<CheckoutCodec> {
  const contracts = await loadContracts(contractsDir);
  const subjectOf = (record: string) => {
    const c = contracts.find((x) => x.recordName.endsWith(`.${record}`));
    if (!c) throw new Error(`no ${record} contract in ${contractsDir}`);
    // A topic other than the contract's keeps the contract's naming strategy.
    return subjectName(c.strategy, topic, c.recordName);
  };
  const [created, cancelled] = await Promise.all([resolveRegisteredSchema(client, subjectOf('OrderCreated')), resolveRegisteredSchema(client, subjectOf('OrderCancelled'))]);
  const byType = { OrderCreated: created, OrderCancelled: cancelled };
  return {
    schemaId: (t) => byType[t].id,
    encode: (t, value) => encodeWithSchemaId(byType[t].type, byType[t].id, value),
    encodeUnchecked: (_t, value) => created.type.toBuffer(value),
  };
}

/**
 * Register the order contracts under the subjects of another topic (benchmarks, tests, a
 * rehearsal topic). Idempotent: the registry returns the existing id for the same schema.
 */
export async function registerOrderContractsFor(client: RegistryClient, contractsDir: string, topic: string): Promise<void> {
  const contracts = (await loadContracts(contractsDir)).filter((c) => /\.(OrderCreated|OrderCancelled)$/.test(c.recordName));
  for (const c of contracts) await client.register(subjectName(c.strategy, topic, c.recordName), c.schema.text);
}
