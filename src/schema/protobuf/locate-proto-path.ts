import type { SourcePosition } from '../schema-location.js';
import type { ParsedProto } from './proto-model.js';

/** A place in the parsed file, or in one of the files it imports (then `file` is the import path). */
export interface ProtoLocation extends SourcePosition {
  file: string;
}

/**
 * Where a difference's path (`#/Msg/2`, `#/Msg/choice/3`, `#/Enum/1`, `#/`) is: in the parsed
 * file, or, for a path inside an imported message, in the imported file that declares its first
 * segment. A path the file does not spell out (a field only the other version has) points at its
 * nearest ancestor that the file has; undefined when not even the top-level type is there.
 */
export function locateProtoPath(parsed: ParsedProto, path: string): ProtoLocation | undefined {
  const segments = path.replace(/^#\/?/, '').split('/').filter((s) => s !== '');
  if (segments.length === 0) {
    const at = parsed.layouts[0]?.paths.get('#/');
    return at && { file: parsed.file, ...at };
  }
  const layout = parsed.layouts.find((l) => l.paths.has(`#/${segments[0]}`));
  if (!layout) return undefined;
  for (let n = segments.length; n > 0; n--) {
    const at = layout.paths.get(`#/${segments.slice(0, n).join('/')}`);
    if (at) return { file: layout.file, ...at };
  }
  return undefined;
}
