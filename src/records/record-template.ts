import type { RecordView } from './record-json.js';

/**
 * kcat's -f format strings: %t topic, %p partition, %o offset, %T timestamp (ms), %k key,
 * %s value, %K and %S their lengths in bytes (-1 for null), %h headers (k=v,...), %% a
 * percent sign; \n \t \r \\ escapes. Decoded keys and values are printed as JSON.
 */
export function compileTemplate(template: string): (view: RecordView, sizes: { key: number; value: number }) => string {
  const text = template.replace(/\\([ntr\\])/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\' })[c]!);
  const parts = text.split(/(%[tpoTksKSh%])/);
  return (view, sizes) =>
    parts
      .map((part) => {
        switch (part) {
          case '%t':
            return view.topic;
          case '%p':
            return String(view.partition);
          case '%o':
            return String(view.offset);
          case '%T':
            return String(view.timestamp);
          case '%k':
            return shown(view.key);
          case '%s':
            return shown(view.value);
          case '%K':
            return String(sizes.key);
          case '%S':
            return String(sizes.value);
          case '%h':
            return Object.entries(view.headers)
              .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${k}=${shown(x)}`))
              .join(',');
          case '%%':
            return '%';
          default:
            return part;
        }
      })
      .join('');
}

/** Text as it is, anything else as JSON; null as kcat prints it (nothing). */
function shown(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}
