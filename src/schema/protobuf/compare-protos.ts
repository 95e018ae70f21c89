import { compareField } from './compare-fields.js';
import type { ProtoDifference } from './difference-types.js';
import { DiffRun, displayName } from './diff-run.js';
import type { ParsedProto, ProtoEnum, ProtoField, ProtoMessage, ProtoType } from './proto-model.js';

/**
 * Every difference between two versions of a .proto file, by Confluent Schema Registry's
 * SchemaDiff rules. The update is compatible (Confluent: backward when `original` is the previous
 * version, forward when it is the new one) iff every difference is `compatible`.
 */
export function compareProtos(original: ParsedProto, update: ParsedProto): ProtoDifference[] {
  const run = new DiffRun(original, update, compareMessages);
  if (original.package !== update.package) {
    run.add('PACKAGE_CHANGED', `The package changed from ${packageName(original.package)} to ${packageName(update.package)}`);
  }
  compareTypeLists(run, original.types, update.types);
  return run.differences;
}

function packageName(pkg: string): string {
  return pkg === '' ? 'none' : `'${pkg}'`;
}

/** Sibling messages and enums (a file's, or a message's nested ones), matched by name. */
function compareTypeLists(run: DiffRun, original: ProtoType[], update: ProtoType[]): void {
  const originalMessages = messagesByName(original);
  const updateMessages = messagesByName(update);
  for (const name of union(originalMessages.keys(), updateMessages.keys())) {
    const before = originalMessages.get(name);
    const after = updateMessages.get(name);
    run.within([name], () => {
      if (!after) run.add('MESSAGE_REMOVED', `Message ${displayName(before!.message)} was removed`);
      else if (!before) run.add('MESSAGE_ADDED', `Message ${displayName(after.message)} was added`);
      else {
        compareMessages(run, before.message, after.message);
        // Compatible: a serialized message index refers to the schema version the data was written with.
        if (before.index !== after.index) {
          run.add('MESSAGE_MOVED', `Message ${displayName(after.message)} moved from position ${before.index + 1} to ${after.index + 1} among its sibling messages`);
        }
      }
    });
  }
  const originalEnums = enumsByName(original);
  const updateEnums = enumsByName(update);
  for (const name of union(originalEnums.keys(), updateEnums.keys())) {
    const before = originalEnums.get(name);
    const after = updateEnums.get(name);
    run.within([name], () => {
      if (!after) run.add('ENUM_REMOVED', `Enum ${displayName(before!)} was removed`);
      else if (!before) run.add('ENUM_ADDED', `Enum ${displayName(after)} was added`);
      else compareEnums(run, before, after);
    });
  }
}

/** A message's fields and oneofs (once per recursion through imported types), then its nested types. */
function compareMessages(run: DiffRun, original: ProtoMessage, update: ProtoMessage): void {
  const first = !run.comparing.has(original);
  if (first) {
    run.comparing.add(original);
    compareMembers(run, original, update);
  }
  compareTypeLists(run, original.nested, update.nested);
  if (first) run.comparing.delete(original);
}

/**
 * Fields are matched by number across the whole message, whichever oneof they are in, so that
 * moving a field in or out of a oneof (or renaming the oneof) hides no change to the field.
 */
function compareMembers(run: DiffRun, original: ProtoMessage, update: ProtoMessage): void {
  const message = displayName(update);
  const before = new Map(original.fields.map((f) => [f.number, f]));
  const after = new Map(update.fields.map((f) => [f.number, f]));
  const originalOneofs = new Map(original.oneofs.map((o) => [o.name, o]));
  const updateOneofs = new Map(update.oneofs.map((o) => [o.name, o]));

  // A oneof gone together with all its members was deleted whole: that is not a member's removal.
  const deletedWhole = new Set(original.oneofs.filter((o) => !updateOneofs.has(o.name) && o.numbers.every((n) => !after.has(n))).map((o) => o.name));

  // Fields that could be set together before but are now in one oneof: old data may set several.
  for (const oneof of update.oneofs) {
    const groups = new Set<string>();
    const fromTopLevel: ProtoField[] = [];
    const existing: ProtoField[] = [];
    for (const n of oneof.numbers) {
      const field = before.get(n);
      if (!field) continue; // new: no old data sets it
      existing.push(field);
      if (field.oneof !== undefined) groups.add(`oneof ${field.oneof}`);
      else {
        groups.add(`field ${n}`);
        fromTopLevel.push(field);
      }
    }
    if (groups.size > 1) {
      const names = existing.map((f) => `'${f.name}' (${f.number})`).join(', ');
      run.add(
        fromTopLevel.length > 1 ? 'MULTIPLE_FIELDS_MOVED_TO_ONEOF' : 'FIELD_MOVED_TO_EXISTING_ONEOF',
        `Fields ${names} of message ${message}, which could be set together, are now in oneof '${oneof.name}'`,
        oneof.name,
      );
    }
  }

  for (const name of [...union(originalOneofs.keys(), updateOneofs.keys())].sort()) {
    if (!updateOneofs.has(name)) run.add('ONEOF_REMOVED', `Oneof '${name}' was removed from message ${message}`, name);
    else if (!originalOneofs.has(name)) run.add('ONEOF_ADDED', `Oneof '${name}' was added to message ${message}`, name);
  }

  for (const n of [...union(before.keys(), after.keys())].sort((a, b) => a - b)) {
    const was = before.get(n);
    const is = after.get(n);
    if (!is) {
      if (was!.oneof === undefined) {
        const required = was!.label === 'required';
        run.add(required ? 'REQUIRED_FIELD_REMOVED' : 'FIELD_REMOVED', `${required ? 'Required field' : 'Field'} '${was!.name}' (${n}) was removed from message ${message}`, String(n));
      } else if (!deletedWhole.has(was!.oneof)) {
        run.add('ONEOF_FIELD_REMOVED', `Field '${was!.name}' (${n}) was removed from oneof '${was!.oneof}' of message ${message}`, was!.oneof, String(n));
      }
    } else if (!was) {
      if (is.oneof !== undefined) {
        run.add('ONEOF_FIELD_ADDED', `Field '${is.name}' (${n}) was added to oneof '${is.oneof}' of message ${message}`, is.oneof, String(n));
      } else {
        const required = is.label === 'required';
        run.add(required ? 'REQUIRED_FIELD_ADDED' : 'FIELD_ADDED', `${required ? 'Required field' : 'Field'} '${is.name}' (${n}) was added to message ${message}`, String(n));
      }
    } else {
      if (was.oneof !== undefined && is.oneof === undefined) {
        run.add('ONEOF_FIELD_MOVED_TO_TOP_LEVEL', `Field '${is.name}' (${n}) of message ${message} moved out of oneof '${was.oneof}'`, String(n));
      }
      // Reported where the field is now.
      run.within(is.oneof === undefined ? [String(n)] : [is.oneof, String(n)], () => compareField(run, was, is, message));
    }
  }
}

/** Constants are matched by number; a number declared twice (an alias) keeps its last name, as Confluent reads it. */
function compareEnums(run: DiffRun, original: ProtoEnum, update: ProtoEnum): void {
  const before = new Map(original.values.map((v) => [v.number, v.name]));
  const after = new Map(update.values.map((v) => [v.number, v.name]));
  const name = displayName(update);
  for (const n of [...union(before.keys(), after.keys())].sort((a, b) => a - b)) {
    const was = before.get(n);
    const is = after.get(n);
    if (is === undefined) run.add('ENUM_CONST_REMOVED', `Value '${was}' (${n}) was removed from enum ${name}`, String(n));
    else if (was === undefined) run.add('ENUM_CONST_ADDED', `Value '${is}' (${n}) was added to enum ${name}`, String(n));
    else if (was !== is) run.add('ENUM_CONST_CHANGED', `Value ${n} of enum ${name} was renamed from '${was}' to '${is}'`, String(n));
  }
}

/** Messages by name with their index among the sibling messages (enums do not count). */
function messagesByName(types: ProtoType[]): Map<string, { message: ProtoMessage; index: number }> {
  const messages = types.filter((t): t is ProtoMessage => t.kind === 'message');
  return new Map(messages.map((message, index) => [message.name, { message, index }]));
}

function enumsByName(types: ProtoType[]): Map<string, ProtoEnum> {
  return new Map(types.filter((t): t is ProtoEnum => t.kind === 'enum').map((e) => [e.name, e]));
}

/** Keys of both, in first-seen order: original's, then those only the update has. */
function union<T>(a: Iterable<T>, b: Iterable<T>): T[] {
  return [...new Set([...a, ...b])];
}
