import jexlModule from 'jexl';
import { UsageError } from '../errors.js';
import type { RecordView } from './record-json.js';

// jexl's CommonJS build puts the default instance on `default` under ESM.
const jexl = ((jexlModule as unknown as { default?: typeof jexlModule }).default ?? jexlModule) as typeof jexlModule;

export type RecordFilter = (view: RecordView) => boolean;

/**
 * `--where` expressions (Jexl: `value.total_minor > 10000 && headers["x-type"] == "OrderCreated"`)
 * over the record as consume prints it: topic, partition, offset, timestamp, key, value,
 * headers and the *Format/*SchemaId fields. Several are all required. A field a record does
 * not have is undefined, so the comparison is false rather than an error.
 */
export function compileFilter(expressions: string[], flag = '--where'): RecordFilter | undefined {
  if (expressions.length === 0) return undefined;
  const compiled = expressions.map((text) => {
    try {
      return jexl.compile(text);
    } catch (err) {
      throw new UsageError(`${flag} ${JSON.stringify(text)} is not an expression: ${(err as Error).message}`, 'e.g. --where \'value.total_minor > 10000\' or --where \'key == "o-42"\' (Jexl syntax: && || == != < > in)');
    }
  });
  return (view) => compiled.every((e) => Boolean(e.evalSync(view as unknown as Record<string, unknown>)));
}
