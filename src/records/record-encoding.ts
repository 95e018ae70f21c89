import { UsageError } from '../errors.js';
import { fromJsonView, schemaViolations } from '../schema/avro-json-view.js';
import { type RegisteredSchema, resolveRegisteredSchema } from '../schema/registered-schema.js';
import type { RegistryClient, VersionRef } from '../schema/registry-client.js';
import { encodeWithSchemaId } from '../schema/wire-format.js';
import { LineRefusal, type SideInput } from './produce-lines.js';

export type Side = 'key' | 'value';

/** The registry subjects a side may be encoded under (several on a topic of several record types) and the version to use. */
export interface SideSubjects {
  subjects: string[];
  version: VersionRef;
}

export interface Encoded {
  bytes: Buffer | null;
  /** The schema an Avro side was encoded with. */
  schema?: RegisteredSchema;
}

/**
 * Encodes `topic produce`'s keys and values: Avro with Confluent framing under the side's
 * subject as the registry holds it (never registering), JSON as its text, text as UTF-8,
 * base64 and hex decoded. On a topic of several record types a value goes under the one
 * subject whose schema it fits. Schemas are fetched once, on the first Avro record of a side.
 */
export class RecordEncoder {
  private readonly schemas = new Map<Side, Promise<RegisteredSchema[]>>();

  constructor(
    private readonly registry: RegistryClient | undefined,
    private readonly subjects: Record<Side, SideSubjects>,
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  async encode(side: Side, input: SideInput | null, line: number): Promise<Encoded> {
    if (input === null) return { bytes: null };
    const { format, value } = input;
    switch (format) {
      case 'avro':
        return this.avro(side, value, line);
      case 'json':
        return { bytes: Buffer.from(JSON.stringify(value)) };
      case 'text':
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return { bytes: Buffer.from(String(value)) };
        throw new LineRefusal(line, side, `expected text for ${side}Format text, got ${JSON.stringify(value)} (${side}Format json sends it as JSON)`);
      case 'base64':
      case 'hex':
        if (typeof value === 'string' && (format === 'hex' ? /^(?:[0-9a-fA-F]{2})*$/ : /^[A-Za-z0-9+/_-]*={0,2}$/).test(value)) return { bytes: Buffer.from(value, format) };
        throw new LineRefusal(line, side, `expected a ${format} string for ${side}Format ${format}, got ${JSON.stringify(value)}`);
    }
  }

  private async avro(side: Side, json: unknown, line: number): Promise<Encoded> {
    const candidates = await this.schemasOf(side);
    const tried = candidates.map((schema) => {
      const value = fromJsonView(schema.type, json);
      return { schema, value, violations: schemaViolations(schema.type, value) };
    });
    const fits = tried.filter((t) => t.violations.length === 0);
    if (fits.length === 1) return { bytes: encodeWithSchemaId(fits[0]!.schema.type, fits[0]!.schema.id, fits[0]!.value), schema: fits[0]!.schema };
    if (fits.length > 1) {
      throw new LineRefusal(line, side, `fits ${fits.map((f) => f.schema.subject).join(' and ')}: say which with --record (or --subject)`);
    }
    // None fits: the reasons of the closest schema.
    const closest = tried.reduce((a, b) => (b.violations.length < a.violations.length ? b : a));
    const first = closest.violations[0]!;
    const path = first.path === '(value)' ? side : `${side}.${first.path}`;
    const under = `${closest.schema.subject} v${closest.schema.version}`;
    const rest = closest.violations.slice(1).map((v) => `${side}.${v.path}: ${v.reason}`);
    throw new LineRefusal(line, path, `${first.reason} (schema ${under}${tried.length > 1 ? ', the closest of ' + tried.map((t) => t.schema.subject).join(', ') : ''})${rest.length > 0 ? `; also ${rest.join('; ')}` : ''}`);
  }

  /** The registered schemas of a side's subjects; a subject not registered is left out while another is (exit 2 when none is). */
  private schemasOf(side: Side): Promise<RegisteredSchema[]> {
    let found = this.schemas.get(side);
    if (!found) this.schemas.set(side, (found = this.resolve(side)));
    return found;
  }

  private async resolve(side: Side): Promise<RegisteredSchema[]> {
    const { subjects, version } = this.subjects[side];
    if (!this.registry) throw new UsageError(`Avro ${side}s need a schema registry: none is configured`, `give --registry URL, or send the ${side} as json, text, base64 or hex (--${side}-format)`);
    const hint = 'register the schema first (`streamflow schema register`); produce never registers';
    const settled = await Promise.allSettled(subjects.map((s) => resolveRegisteredSchema(this.registry!, s, hint, version)));
    const found = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    // An unreachable registry (or anything but a missing subject) is not a reason to leave a subject out.
    const other = failures.find((e) => !(e instanceof UsageError));
    if (other !== undefined) throw other;
    if (found.length === 0) {
      throw subjects.length === 1 ? failures[0] : new UsageError(`none of the subjects ${subjects.join(', ')} has a registered schema${version === 'latest' ? '' : ` version ${version}`}; produce never registers`, hint);
    }
    for (const e of failures) this.warn(`${(e as Error).message}: its records cannot be sent`);
    return found;
  }
}
