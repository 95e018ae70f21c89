import { displayName, type DiffRun } from './diff-run.js';
import { localName, type ParsedProto, type ProtoField, type ProtoFieldType, type ProtoMessage } from './proto-model.js';

type Label = ProtoField['label'];

/** Confluent's field kinds: an enum counts as a scalar (it is a varint on the wire). */
type Kind = 'scalar' | 'message' | 'map';

/**
 * Scalars grouped by wire compatibility, as Confluent groups them (after protobuf's "Updating a
 * message type" rules): types in one group read each other's values.
 */
const SCALAR_GROUPS: Record<string, string> = {
  int32: 'varint', int64: 'varint', uint32: 'varint', uint64: 'varint', bool: 'varint',
  sint32: 'zigzag', sint64: 'zigzag',
  string: 'length-delimited', bytes: 'length-delimited',
  fixed32: 'fixed32', sfixed32: 'fixed32',
  fixed64: 'fixed64', sfixed64: 'fixed64',
  float: 'float',
  double: 'double',
};

/** Compare the field with one number in both versions, at the run's current path. `message` is the sentence's name for its message. */
export function compareField(run: DiffRun, original: ProtoField, update: ProtoField, message: string): void {
  if (original.name !== update.name) {
    run.add('FIELD_NAME_CHANGED', `Field ${update.number} of message ${message} was renamed from '${original.name}' to '${update.name}'`);
  }
  compareTypes(run, original.label, update.label, original.type, update.type, `Field '${update.name}' (${update.number}) of message ${message}`);
}

function compareTypes(run: DiffRun, originalLabel: Label, updateLabel: Label, original: ProtoFieldType, update: ProtoFieldType, subject: string): void {
  const originalKind = kindOf(original, run.original);
  const updateKind = kindOf(update, run.update);
  if (originalKind !== updateKind) {
    run.add('FIELD_KIND_CHANGED', `${subject} changed from ${describe(original, run.original)} to ${describe(update, run.update)}`);
  } else if (original.kind === 'map' && update.kind === 'map') {
    // Map keys and values are compared as fields without labels.
    compareTypes(run, undefined, undefined, original.key, update.key, `The key type of ${lowerFirst(subject)}`);
    compareTypes(run, undefined, undefined, original.value, update.value, `The value type of ${lowerFirst(subject)}`);
  } else if (originalKind === 'scalar') {
    compareScalars(run, originalLabel, updateLabel, original, update, subject);
  } else if (original.kind === 'named' && update.kind === 'named') {
    compareMessageTypes(run, original.fullName, update.fullName, subject);
  }
}

function compareScalars(run: DiffRun, originalLabel: Label, updateLabel: Label, original: ProtoFieldType, update: ProtoFieldType, subject: string): void {
  const group = scalarGroup(original, run.original);
  if (group !== scalarGroup(update, run.update)) {
    run.add('FIELD_SCALAR_KIND_CHANGED', `${subject} changed type from ${describe(original, run.original)} to ${describe(update, run.update)}, which do not read each other's values`);
  } else if (originalLabel !== undefined && updateLabel !== undefined && originalLabel !== updateLabel) {
    // optional and repeated read each other for strings and bytes, not for numbers (packed encoding).
    run.add(
      group === 'length-delimited' ? 'FIELD_STRING_OR_BYTES_LABEL_CHANGED' : 'FIELD_NUMERIC_LABEL_CHANGED',
      `${subject} changed from ${originalLabel} to ${updateLabel}`,
    );
  }
}

/**
 * Message types match by local name (the package may differ). Both local, or the same version
 * of the same import: the message itself is compared where it is declared. Otherwise it is
 * compared here, its differences reported at its own path, and the field's type counts as
 * changed when the message changed incompatibly.
 */
function compareMessageTypes(run: DiffRun, originalName: string, updateName: string, subject: string): void {
  const original = run.original.typesByName.get(originalName) as ProtoMessage;
  const update = run.update.typesByName.get(updateName) as ProtoMessage;
  if (localName(original) !== localName(update)) {
    run.add('FIELD_NAMED_TYPE_CHANGED', `${subject} changed type from message ${displayName(original)} to message ${displayName(update)}`);
  } else if (original.origin.version !== update.origin.version) {
    const imported = run.forImportedType(original);
    run.compareMessages(imported, original, update);
    run.differences.push(...imported.differences);
    if (imported.differences.some((d) => !d.compatible)) {
      run.add('FIELD_NAMED_TYPE_CHANGED', `${subject} has type ${displayName(update)}, which changed incompatibly from ${displayName(original)}`);
    }
  }
}

function kindOf(type: ProtoFieldType, proto: ParsedProto): Kind {
  if (type.kind === 'named') return proto.typesByName.get(type.fullName)?.kind === 'enum' ? 'scalar' : 'message';
  return type.kind;
}

function scalarGroup(type: ProtoFieldType, proto: ParsedProto): string | undefined {
  if (type.kind === 'named') return proto.typesByName.get(type.fullName)?.kind === 'enum' ? 'varint' : undefined;
  return type.kind === 'scalar' ? SCALAR_GROUPS[type.name] : undefined;
}

/** `int32`, `enum 'Status'`, `message 'Home' (home.proto)`, `map<string, Status>`. */
function describe(type: ProtoFieldType, proto: ParsedProto): string {
  if (type.kind === 'scalar') return type.name;
  if (type.kind === 'map') return `map<${plainName(type.key, proto)}, ${plainName(type.value, proto)}>`;
  const named = proto.typesByName.get(type.fullName);
  return named ? `${named.kind} ${displayName(named)}` : type.fullName;
}

function plainName(type: ProtoFieldType, proto: ParsedProto): string {
  if (type.kind !== 'named') return describe(type, proto);
  const named = proto.typesByName.get(type.fullName);
  return named ? localName(named) : type.fullName;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
