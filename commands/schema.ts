import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { CheckFailedError, UsageError } from '../src/errors.js';
import { formatTable } from '../src/cli/table.js';
import { requireRegistry } from '../src/config/resolve-connection.js';
import { registerOrderContractsFor } from '../src/generator/checkout-codec.js';
import { CHECK_FORMATS, type CheckFormat, buildReport, formatReport } from '../src/schema/check-report.js';
import { COMPATIBILITY_LEVELS, type CompatibilityLevel } from '../src/schema/compatibility/index.js';
import { checkContractsWithRegistry, checkOffline, checkWithRegistry, referenceTexts } from '../src/schema/compatibility-check.js';
import { loadContracts } from '../src/schema/contracts.js';
import { checkAgainstGitRef } from '../src/schema/git-ref-check.js';
import { RegistryClient, SCHEMA_TYPES, type SchemaReference, type SchemaType, type VersionRef } from '../src/schema/registry-client.js';
import { type SchemaFileOptions, readSchemaFile } from '../src/schema/schema-file.js';
import { parseReference } from '../src/schema/schema-types.js';
import { type RegistrationResult, registerContracts, registerSchema } from '../src/schema/schema-registration.js';
import { changeCompatibility, executeSubjectDelete, listSubjectSummaries, planSubjectDelete } from '../src/schema/subject-admin.js';
import { assertTopicName } from '../src/topics/topic-name.js';

const DEFAULT_DIR = 'schemas/checkout';

type SchemaKindArgs = { type?: SchemaType; reference: string[] };
const schemaKindOptions = {
  type: { choices: SCHEMA_TYPES, describe: 'Schema type of --schema [default: by extension: .avsc Avro, .proto Protobuf, .json JSON Schema (or Avro, by its content)]' },
  reference: { type: 'string', array: true, default: [] as string[], describe: 'A schema reference NAME=SUBJECT:VERSION: the import or $ref NAME is that subject version (repeatable)' },
} as const;

/** --type and --reference as readSchemaFile takes them; with a registry, the references' texts come from it. */
function schemaFileOptions(argv: SchemaKindArgs, client?: RegistryClient): SchemaFileOptions {
  const references = argv.reference.map(parseReference);
  return {
    ...(argv.type ? { type: argv.type } : {}),
    ...(references.length > 0 ? { references } : {}),
    ...(client ? { referenceTexts: (refs: SchemaReference[]) => referenceTexts(client, refs) } : {}),
  };
}
const levelOption = { choices: COMPATIBILITY_LEVELS, describe: 'Compatibility level' } as const;

async function registryClient(argv: GlobalArgs): Promise<RegistryClient> {
  return new RegistryClient(requireRegistry(await argv.sf.connection()), { signal: argv.sf.signal });
}

function parseVersion(v: string | undefined, flag = '--version'): VersionRef | undefined {
  if (v === undefined || v === 'latest') return v;
  if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`${flag} must be a version number or "latest", not "${v}"`);
  return Number(v);
}

const list: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'list',
  describe: 'List subjects with their latest version, schema id and compatibility level',
  handler: async (argv) => {
    const subjects = await listSubjectSummaries(await registryClient(argv));
    argv.sf.out.result({ subjects }, () =>
      subjects.length === 0
        ? 'No subjects.'
        : formatTable(['SUBJECT', 'VERSION', 'ID', 'COMPATIBILITY'], subjects.map((s) => [s.subject, s.version ?? '-', s.id ?? '-', s.compatibility])),
    );
  },
};

type GetArgs = GlobalArgs & { subject?: string; version?: string; id?: number };
const get: CommandModule<GlobalArgs, GetArgs> = {
  command: 'get',
  describe: 'Show a schema: by subject and version, or by id',
  builder: (y) =>
    y
      .option('subject', { type: 'string', describe: 'Subject name' })
      .option('version', { type: 'string', describe: 'Version number or "latest" (default)' })
      .option('id', { type: 'number', describe: 'Schema id (as in the 5-byte header of a record)' })
      .conflicts('id', ['subject', 'version']) as Argv<GetArgs>,
  handler: async (argv) => {
    const client = await registryClient(argv);
    if (argv.id !== undefined) {
      if (!Number.isInteger(argv.id) || argv.id < 0) throw new UsageError('--id must be a schema id (a non-negative integer)');
      const [s, usedBy] = await Promise.all([client.getSchemaById(argv.id), client.subjectVersionsOfId(argv.id)]);
      const schema = schemaDocument(s.schema, s.schemaType);
      argv.sf.out.result({ id: s.id, schemaType: s.schemaType, schema, references: s.references, usedBy }, () =>
        [`schema id ${s.id} (${s.schemaType}), used by ${usedBy.map((u) => `${u.subject} v${u.version}`).join(', ') || 'no live subject version'}`, ...referenceLines(s.references), schemaText(schema)].join('\n'),
      );
      return;
    }
    if (!argv.subject) throw new UsageError('give --subject S [--version V] or --id N');
    const v = await client.getVersion(argv.subject, parseVersion(argv.version) ?? 'latest');
    const schema = schemaDocument(v.schema, v.schemaType);
    argv.sf.out.result({ subject: v.subject, version: v.version, id: v.id, schemaType: v.schemaType, schema, references: v.references }, () =>
      [`subject ${v.subject} version ${v.version}, schema id ${v.id} (${v.schemaType})`, ...referenceLines(v.references), schemaText(schema)].join('\n'),
    );
  },
};

/** Avro and JSON Schema as JSON documents; Protobuf as its .proto text. */
function schemaDocument(text: string, schemaType: string): unknown {
  return schemaType === 'PROTOBUF' ? text : (JSON.parse(text) as unknown);
}

function schemaText(schema: unknown): string {
  return typeof schema === 'string' ? schema : JSON.stringify(schema, null, 2);
}

function referenceLines(references: SchemaReference[]): string[] {
  return references.map((r) => `references ${r.name} = ${r.subject} v${r.version}`);
}

type RegisterArgs = GlobalArgs & { subject?: string; schema?: string; dir?: string; topic?: string } & SchemaKindArgs;
const register: CommandModule<GlobalArgs, RegisterArgs> = {
  command: 'register',
  describe: 'Register a schema (--subject S --schema F) or every contract of a folder (--dir D); idempotent',
  builder: (y) =>
    y
      .option('subject', { type: 'string', describe: 'Subject to register under' })
      .option('schema', { type: 'string', describe: 'Schema file: Avro (.avsc), JSON Schema (.json) or Protobuf (.proto)' })
      .options(schemaKindOptions)
      .option('dir', { type: 'string', describe: 'Contracts folder with contracts.yaml, e.g. schemas/checkout' })
      .option('topic', { type: 'string', describe: "With --dir: register the order contracts under topic T's subjects, for `produce checkout --topic T`" })
      .conflicts('dir', ['subject', 'schema'])
      .conflicts('topic', ['subject', 'schema']) as Argv<RegisterArgs>,
  handler: async (argv) => {
    let results: RegistrationResult[];
    if (argv.topic !== undefined) {
      if (argv.dir === undefined) throw new UsageError('--topic needs --dir D, the contracts to register for it', `e.g. --dir ${DEFAULT_DIR} --topic ${argv.topic}`);
      assertTopicName(argv.topic);
      results = await registerOrderContractsFor(await registryClient(argv), argv.dir, argv.topic);
    } else if (argv.dir !== undefined) {
      const contracts = await loadContracts(argv.dir);
      results = await registerContracts(await registryClient(argv), contracts);
    } else {
      if (!argv.subject || !argv.schema) throw new UsageError('give --subject S --schema F, or --dir D');
      const client = await registryClient(argv);
      const schema = await readSchemaFile(argv.schema, schemaFileOptions(argv, client));
      results = [await registerSchema(client, argv.subject, schema)];
    }
    argv.sf.out.result({ results }, () =>
      [
        formatTable(['SUBJECT', 'STATUS', 'ID', 'VERSION'], results.map((r) => [r.subject, r.status, r.id ?? '-', r.version ?? '-'])),
        ...results.flatMap((r) => r.messages.map((m) => `${r.subject}: ${m}`)),
      ].join('\n'),
    );
    const refused = results.filter((r) => r.status === 'incompatible');
    if (refused.length > 0) {
      throw new CheckFailedError(`the registry refused ${refused.length} incompatible schema(s): ${refused.map((r) => r.subject).join(', ')}`, 'see why with `streamflow schema check --subject S --schema F`');
    }
  },
};

type ConfigArgs = GlobalArgs & { subject?: string; set?: CompatibilityLevel };
const config: CommandModule<GlobalArgs, ConfigArgs> = {
  command: 'config',
  describe: 'Show or set the compatibility level (global, or of one subject)',
  builder: (y) =>
    y
      .option('subject', { type: 'string', describe: 'Subject (default: the global level)' })
      .option('set', { ...levelOption, describe: 'Set this level' }) as Argv<ConfigArgs>,
  handler: async (argv) => {
    const client = await registryClient(argv);
    const where = argv.subject ? `subject ${argv.subject}` : 'global';
    if (argv.set === undefined) {
      const compatibility = await client.getCompatibility(argv.subject);
      argv.sf.out.result({ subject: argv.subject ?? null, compatibility }, () => `${where}: ${compatibility}`);
      return;
    }
    const change = await changeCompatibility(client, argv.set, argv.subject);
    if (change.compatibility !== argv.set) {
      const why = argv.set === 'NONE' && argv.subject ? ' (Apicurio turns NONE on a subject into "no subject rule", so the global level applies)' : '';
      argv.sf.out.warn(`asked for ${argv.set}, but the registry applies ${change.compatibility} to ${where}${why}`);
    }
    argv.sf.out.result(change, () => `${where}: ${change.compatibility} (was ${change.previous})`);
  },
};

type CheckArgs = GlobalArgs & SchemaKindArgs & {
  subject?: string;
  schema?: string;
  against?: string[];
  'against-git'?: string;
  dir?: string;
  level?: CompatibilityLevel;
  format?: CheckFormat;
};
const check: CommandModule<GlobalArgs, CheckArgs> = {
  command: 'check',
  describe: 'Check schema compatibility: with the registry, offline against files, or against a git ref (CI)',
  builder: (y) =>
    y
      .option('subject', { type: 'string', describe: 'Registry subject to check --schema against' })
      .option('schema', { type: 'string', describe: 'The proposed schema file: Avro (.avsc), JSON Schema (.json) or Protobuf (.proto)' })
      .options(schemaKindOptions)
      .option('against', { type: 'string', array: true, describe: 'Offline: previous schema files, oldest first' })
      .option('against-git', { type: 'string', describe: 'CI: compare each schema file of --dir with the same file at this git ref' })
      .option('dir', { type: 'string', describe: `Contracts folder (with --against-git: default ${DEFAULT_DIR})` })
      .option('level', { ...levelOption, describe: "Compatibility level (registry: default the subject's; offline: default BACKWARD)" })
      .option('format', { choices: CHECK_FORMATS, describe: 'Output: text, json, junit (XML), github (an annotation on the line of each reason) or sarif (2.1.0, for code scanning)' })
      .conflicts('against-git', ['subject', 'schema', 'against'])
      .conflicts('against', ['subject', 'dir']) as Argv<CheckArgs>,
  handler: async (argv) => {
    const { out } = argv.sf;
    if (out.json && argv.format && argv.format !== 'json') throw new UsageError(`--json prints JSON; drop --json to get --format ${argv.format}`);
    const format: CheckFormat = argv.format ?? (out.json ? 'json' : 'text');
    const report = await runCheck(argv);
    out.result(report, () => formatReport(report, format));
    if (!report.compatible) {
      const failed = report.checks.filter((c) => !c.compatible).length;
      throw new CheckFailedError(`not compatible at ${report.level}: ${failed} of ${report.checks.length} schema(s) would break`);
    }
  },
};

async function runCheck(argv: CheckArgs) {
  if (argv['against-git'] !== undefined) {
    const level = argv.level ?? 'BACKWARD';
    return buildReport(await checkAgainstGitRef({ ref: argv['against-git'], dir: argv.dir ?? DEFAULT_DIR, level }), level);
  }
  if (argv.against !== undefined) {
    if (!argv.schema) throw new UsageError('--against needs --schema NEW');
    if (argv.against.length === 0) throw new UsageError('--against needs at least one previous schema file');
    const level = argv.level ?? 'BACKWARD';
    if (argv.reference.length > 0) throw new UsageError('--reference names registry subjects: offline, the files a schema imports are read from beside it');
    const proposed = await readSchemaFile(argv.schema, schemaFileOptions(argv));
    const previous = await Promise.all(argv.against.map((f) => readSchemaFile(f, schemaFileOptions(argv))));
    return buildReport([checkOffline(proposed, previous, level)], level);
  }
  if (argv.subject !== undefined) {
    if (!argv.schema) throw new UsageError('--subject needs --schema F');
    const client = await registryClient(argv);
    const schema = await readSchemaFile(argv.schema, schemaFileOptions(argv, client));
    return buildReport([await checkWithRegistry(client, argv.subject, schema, argv.level)]);
  }
  if (argv.dir !== undefined && argv.schema === undefined) {
    const contracts = await loadContracts(argv.dir);
    return buildReport(await checkContractsWithRegistry(await registryClient(argv), contracts, argv.level), argv.level);
  }
  throw new UsageError(
    'say what to check against',
    'registry: --subject S --schema F | --dir D;  offline: --schema NEW --against OLD...;  CI: --against-git REF [--dir D]',
  );
}

type DeleteArgs = GlobalArgs & { subject: string; version?: string; execute: boolean };
const del: CommandModule<GlobalArgs, DeleteArgs> = {
  command: 'delete',
  describe: 'Soft-delete a subject or one version (dry run unless --execute)',
  builder: (y) =>
    y
      .option('subject', { type: 'string', demandOption: true, describe: 'Subject' })
      .option('version', { type: 'string', describe: 'Only this version (number or "latest")' })
      .option('execute', { type: 'boolean', default: false, describe: 'Delete for real' }) as Argv<DeleteArgs>,
  handler: async (argv) => {
    const client = await registryClient(argv);
    const plan = await planSubjectDelete(client, argv.subject, parseVersion(argv.version));
    const versions = (vs: number[]) => `version${vs.length === 1 ? '' : 's'} ${vs.join(', ')} of ${plan.subject}`;
    if (!argv.execute) {
      argv.sf.out.result({ ...plan, executed: false }, () =>
        `Would soft-delete ${versions(plan.versions)}${plan.version === null ? ' (the whole subject)' : ''}; schema ids keep decoding. Re-run with --execute to delete.`,
      );
      return;
    }
    const deleted = await executeSubjectDelete(client, plan);
    argv.sf.out.result({ ...plan, versions: deleted, executed: true }, () => `Soft-deleted ${versions(deleted)}.`);
  },
};

export const schemaCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  builder: (y) =>
    y.command(list).command(get).command(register).command(config).command(check).command(del).demandCommand(1, 'name a schema command') as Argv<GlobalArgs>,
  handler: () => undefined,
};
