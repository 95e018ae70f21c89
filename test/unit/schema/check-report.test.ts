import { describe, expect, it } from 'vitest';
import { buildReport, formatGithub, formatJunit, formatSarif, formatText, type ContractCheck } from '../../../src/schema/check-report.js';
import { checkOffline } from '../../../src/schema/compatibility-check.js';
import { parseSchemaFileText } from '../../../src/schema/schema-file.js';
import { locateJsonPath } from '../../../src/schema/schema-location.js';

const checks: ContractCheck[] = [
  { file: 'schemas/checkout/order-created.avsc', subject: 'checkout.orders-x.OrderCreated', status: 'compatible', compatible: true, level: 'BACKWARD', checkedBy: 'offline', messages: [] },
  {
    file: 'schemas/checkout/payment-failed.avsc',
    subject: 'checkout.payments-x.PaymentFailed',
    status: 'incompatible',
    compatible: false,
    level: 'BACKWARD',
    checkedBy: 'offline',
    messages: ['new schema cannot read version origin/main: /fields/reason: type <string> & "enum" 100%, a:b'],
  },
  { file: 'schemas/checkout/new-event.avsc', status: 'new', compatible: true, level: 'BACKWARD', checkedBy: 'offline', messages: [] },
  { file: 'schemas/checkout/old-event.avsc', status: 'deleted', compatible: true, level: 'BACKWARD', checkedBy: 'offline', messages: ['deleted since origin/main'] },
];

/** A small strict well-formedness check: one root, balanced tags, quoted attributes, only the five entities. */
function parseXml(doc: string): Array<{ name: string; attrs: Record<string, string>; text: string; children: unknown[] }> {
  const body = doc.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  const token = /<\/([\w:-]+)>|<([\w:-]+)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  type El = { name: string; attrs: Record<string, string>; text: string; children: El[] };
  const root: El = { name: '#root', attrs: {}, text: '', children: [] };
  const stack: El[] = [root];
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < body.length && (m = token.exec(body))) {
    pos = token.lastIndex;
    const top = stack[stack.length - 1]!;
    if (m[1]) {
      if (top.name !== m[1]) throw new Error(`</${m[1]}> closes <${top.name}>`);
      stack.pop();
    } else if (m[2]) {
      const attrs = Object.fromEntries([...m[3]!.matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1]!, unescape(a[2]!)]));
      const el: El = { name: m[2], attrs, text: '', children: [] };
      top.children.push(el);
      if (!m[4]) stack.push(el);
    } else {
      if (top === root && m[5]!.trim() !== '') throw new Error('text outside the root element');
      top.text += unescape(m[5]!);
    }
  }
  if (pos !== body.length) throw new Error(`not well-formed at offset ${pos}: ${body.slice(pos, pos + 30)}`);
  if (stack.length !== 1 || root.children.length !== 1) throw new Error('unbalanced or several roots');
  return root.children;
  function unescape(s: string): string {
    if (/&(?!(amp|lt|gt|quot|apos);)/.test(s)) throw new Error(`bad entity in ${s}`);
    return s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!);
  }
}

describe('buildReport', () => {
  it('is compatible only when every check is, prefixing messages with the file when several', () => {
    const report = buildReport(checks, 'BACKWARD');
    expect(report.compatible).toBe(false);
    expect(report.level).toBe('BACKWARD');
    expect(report.messages).toEqual([`schemas/checkout/payment-failed.avsc: ${checks[1]!.messages[0]}`, 'schemas/checkout/old-event.avsc: deleted since origin/main']);
    expect(buildReport([checks[1]!]).messages).toEqual(checks[1]!.messages);
    expect(buildReport([checks[0]!, { ...checks[0]!, level: 'FULL' }]).level).toBe('MIXED');
  });
});

describe('formatJunit', () => {
  it('is a well-formed testsuite with a testcase per file and a failure for the incompatible one', () => {
    const [suite] = parseXml(formatJunit(buildReport(checks, 'BACKWARD'))) as Array<{ name: string; attrs: Record<string, string>; children: Array<{ name: string; attrs: Record<string, string>; children: Array<{ name: string; attrs: Record<string, string>; text: string }> }> }>;
    expect(suite!.name).toBe('testsuite');
    expect(suite!.attrs).toMatchObject({ tests: '4', failures: '1', errors: '0', skipped: '1' });
    expect(suite!.children.map((c) => [c.name, c.attrs.name, c.children.map((f) => f.name)])).toEqual([
      ['testcase', 'schemas/checkout/order-created.avsc', []],
      ['testcase', 'schemas/checkout/payment-failed.avsc', ['failure']],
      ['testcase', 'schemas/checkout/new-event.avsc', []],
      ['testcase', 'schemas/checkout/old-event.avsc', ['skipped']],
    ]);
    const failure = suite!.children[1]!.children[0]!;
    expect(failure.text).toBe(checks[1]!.messages[0]);
    expect(failure.attrs.message).toBe('not BACKWARD compatible');
  });

  it('drops characters XML cannot carry', () => {
    const withControl = { ...checks[1]!, messages: ['bad \u0001 byte'] };
    expect(() => parseXml(formatJunit(buildReport([withControl])))).not.toThrow();
  });
});

describe('formatGithub', () => {
  it('annotates the incompatible file with ::error and the deleted one with ::warning, escaping as the toolkit does', () => {
    const lines = formatGithub(buildReport([...checks, { ...checks[1]!, file: 'a,b:c.avsc', messages: ['one', 'two'] }], 'BACKWARD')).split('\n');
    expect(lines[0]).toBe(
      '::error file=schemas/checkout/payment-failed.avsc,title=Incompatible schema checkout.payments-x.PaymentFailed (BACKWARD)::new schema cannot read version origin/main: /fields/reason: type <string> & "enum" 100%25, a:b',
    );
    expect(lines[1]).toBe('::warning file=schemas/checkout/old-event.avsc,title=Schema deleted::deleted since origin/main');
    // One annotation per reason.
    expect(lines[2]).toBe('::error file=a%2Cb%3Ac.avsc,title=Incompatible schema checkout.payments-x.PaymentFailed (BACKWARD)::one');
    expect(lines[3]).toBe('::error file=a%2Cb%3Ac.avsc,title=Incompatible schema checkout.payments-x.PaymentFailed (BACKWARD)::two');
    expect(lines[4]).toBe('streamflow schema check: 5 checked at BACKWARD, 2 incompatible');
  });

  it("puts each reason of an offline check on its line of the new file (line=, col=)", () => {
    const previous = { path: 'origin/main', ...parseSchemaFileText('old.avsc', OLD) };
    const proposed = { path: 'orders.avsc', ...parseSchemaFileText('orders.avsc', NEW) };
    const check = checkOffline(proposed, [previous], 'BACKWARD');
    expect(check.violations?.map((v) => [v.line, v.column])).toEqual([[4, 23], [5, 5]]);
    const lines = formatGithub(buildReport([check], 'BACKWARD')).split('\n');
    expect(lines[0]).toMatch(/^::error file=orders\.avsc,line=4,col=23,title=.*::new schema cannot read version origin\/main: \/fields\/total\/type: reader string cannot read writer long$/);
    expect(lines[1]).toMatch(/^::error file=orders\.avsc,line=5,col=5,.*"coupon" has no default/);
  });
});

const OLD = JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }, { name: 'total', type: 'long' }] });
// Written as a person would, over several lines.
const NEW = `{"type": "record", "name": "Order",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "total", "type": "string"},
    {"name": "coupon", "type": "string"}
  ]
}`;

describe('formatSarif', () => {
  it('is SARIF 2.1.0 with one result per reason, at its line and column when known', () => {
    const proposed = { path: 'orders.avsc', ...parseSchemaFileText('orders.avsc', NEW) };
    const located = checkOffline(proposed, [{ path: 'v1', ...parseSchemaFileText('v1.avsc', OLD) }], 'BACKWARD');
    const sarif = JSON.parse(formatSarif(buildReport([located, ...checks], 'BACKWARD')));
    expect(sarif.version).toBe('2.1.0');
    const results = sarif.runs[0].results as Array<{ ruleId: string; level: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number; startColumn: number } } }> }>;
    expect(results.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region?.startLine])).toEqual([
      ['schema-incompatible', 'error', 'orders.avsc', 4],
      ['schema-incompatible', 'error', 'orders.avsc', 5],
      ['schema-incompatible', 'error', 'schemas/checkout/payment-failed.avsc', undefined],
      ['schema-deleted', 'note', 'schemas/checkout/old-event.avsc', undefined],
    ]);
    expect(results[0]!.message.text).toContain('/fields/total/type');
    expect(sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['schema-incompatible', 'schema-deleted']);
  });
});

describe('locateJsonPath', () => {
  it('finds a property key or an element, else the nearest ancestor the file has', () => {
    expect(locateJsonPath(NEW, '/fields/1/type')).toEqual({ line: 4, column: 23 });
    expect(locateJsonPath(NEW, '/fields/2')).toEqual({ line: 5, column: 5 });
    expect(locateJsonPath(NEW, '/fields/9/type')).toEqual({ line: 2, column: 3 });
    expect(locateJsonPath(NEW, '#/properties/a~1b')).toEqual({ line: 1, column: 1 });
    expect(locateJsonPath('not json at all', '/x')).toBeUndefined();
  });
});

describe('formatText', () => {
  it('lists each check with its reasons and ends with a verdict, within 100 columns', () => {
    const text = formatText(buildReport(checks, 'BACKWARD'));
    expect(text).toContain('FAIL    checkout.payments-x.PaymentFailed  BACKWARD, offline');
    expect(text).toContain('        - new schema cannot read version origin/main');
    expect(text.split('\n').at(-1)).toBe('NOT compatible: 1 of 4 checked at BACKWARD would break readers.');
    expect(formatText(buildReport([checks[0]!]))).toContain('Compatible: 1 checked at BACKWARD.');
  });
});
