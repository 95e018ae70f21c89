import type { CompatibilityLevel } from './compatibility/index.js';

/**
 * The outcome of `schema check` in every mode, and its renderings: text for people, JSON for
 * scripts, JUnit XML for CI test reports, GitHub workflow commands for PR annotations, SARIF
 * 2.1.0 for code-scanning tools. Every reason is reported, each at its line where known.
 */

/** `new`: nothing to compare with (new file or subject); `deleted`: the file is gone since the git ref (reported, not failing). */
export type CheckStatus = 'compatible' | 'incompatible' | 'new' | 'deleted';

export interface ContractCheck {
  /** The schema file, relative to the repository root in git mode (where annotations point). */
  file: string;
  subject?: string;
  status: CheckStatus;
  compatible: boolean;
  level: CompatibilityLevel;
  /** Who decided: the registry, or streamflow's offline checker (no registry, or another level than the subject's). */
  checkedBy: 'registry' | 'offline';
  messages: string[];
  /** The messages with where each is in `file` when known (offline checks of a file). */
  violations?: CheckViolation[];
}

export interface CheckViolation {
  message: string;
  /** 1-based, in the checked file. */
  line?: number;
  column?: number;
}

export interface CheckReport {
  compatible: boolean;
  /** The level every check used, or MIXED when subjects have different levels. */
  level: CompatibilityLevel | 'MIXED';
  /** Every reason; prefixed with the file when several files were checked. */
  messages: string[];
  checks: ContractCheck[];
}

export const CHECK_FORMATS = ['text', 'json', 'junit', 'github', 'sarif'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export function buildReport(checks: ContractCheck[], requestedLevel?: CompatibilityLevel): CheckReport {
  const levels = new Set(checks.map((c) => c.level));
  const level = requestedLevel ?? (levels.size === 1 ? [...levels][0]! : 'MIXED');
  const several = checks.length > 1;
  return {
    compatible: checks.every((c) => c.compatible),
    level,
    messages: checks.flatMap((c) => c.messages.map((m) => (several ? `${c.file}: ${m}` : m))),
    checks,
  };
}

export function formatReport(report: CheckReport, format: CheckFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(report);
    case 'junit':
      return formatJunit(report);
    case 'github':
      return formatGithub(report);
    case 'sarif':
      return formatSarif(report);
    case 'text':
      return formatText(report);
  }
}

const LABEL: Record<CheckStatus, string> = { compatible: 'ok', incompatible: 'FAIL', new: 'new', deleted: 'deleted' };

export function formatText(report: CheckReport): string {
  const lines: string[] = [];
  for (const c of report.checks) {
    // Subjects are long (topic + record full name): show the subject, or the file when there is none, to fit 100 columns.
    const what = c.subject ?? c.file;
    lines.push(`${LABEL[c.status].padEnd(8)}${what}  ${c.level}${c.checkedBy === 'offline' ? ', offline' : ''}`);
    for (const v of c.compatible ? c.messages.map((message) => ({ message })) : violationsOf(c)) lines.push(`        - ${placed(c.file, v)}`);
  }
  const failed = report.checks.filter((c) => !c.compatible).length;
  lines.push(
    failed === 0
      ? `Compatible: ${report.checks.length} checked at ${report.level}.`
      : `NOT compatible: ${failed} of ${report.checks.length} checked at ${report.level} would break readers.`,
  );
  return lines.join('\n');
}

/** One <testcase> per schema file; an incompatible one has a <failure>, a deleted one is <skipped>. */
export function formatJunit(report: CheckReport): string {
  const failures = report.checks.filter((c) => !c.compatible).length;
  const skipped = report.checks.filter((c) => c.status === 'deleted').length;
  const cases = report.checks.map((c) => {
    const attrs = `classname="${xml(c.subject ?? 'schema')}" name="${xml(c.file)}" file="${xml(c.file)}"`;
    const detail = (c.compatible ? c.messages.map((message) => ({ message })) : violationsOf(c)).map((v) => placed(c.file, v)).join('\n');
    if (!c.compatible) {
      return `  <testcase ${attrs}>\n    <failure message="${xml(`not ${c.level} compatible`)}" type="IncompatibleSchema">${xml(detail)}</failure>\n  </testcase>`;
    }
    if (c.status === 'deleted') return `  <testcase ${attrs}>\n    <skipped message="${xml(detail)}"/>\n  </testcase>`;
    return `  <testcase ${attrs}/>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="streamflow schema check (${xml(report.level)})" tests="${report.checks.length}" failures="${failures}" errors="0" skipped="${skipped}">`,
    ...cases,
    '</testsuite>',
  ].join('\n');
}

/** GitHub Actions workflow commands: an ::error per incompatible file, a ::warning per deleted one, then a summary line. */
export function formatGithub(report: CheckReport): string {
  const lines: string[] = [];
  for (const c of report.checks) {
    const subject = c.subject ? ` ${c.subject}` : '';
    if (!c.compatible) {
      // One annotation per reason, on its line when known: GitHub shows it beside that line of the diff.
      const title = `title=${ghProperty(`Incompatible schema${subject} (${c.level})`)}`;
      for (const v of violationsOf(c)) {
        const at = v.line !== undefined ? `,line=${v.line}${v.column !== undefined ? `,col=${v.column}` : ''}` : '';
        lines.push(`::error file=${ghProperty(c.file)}${at},${title}::${ghData(v.message)}`);
      }
    } else if (c.status === 'deleted') {
      lines.push(`::warning file=${ghProperty(c.file)},title=${ghProperty(`Schema deleted${subject}`)}::${ghData(c.messages.join('\n'))}`);
    }
  }
  const failed = report.checks.filter((c) => !c.compatible).length;
  lines.push(`streamflow schema check: ${report.checks.length} checked at ${report.level}, ${failed} incompatible`);
  return lines.join('\n');
}

/** A reason with its place first, as compilers print it: `file:line:column: message`. */
function placed(file: string, v: CheckViolation): string {
  return v.line === undefined ? v.message : `${file}:${v.line}${v.column !== undefined ? `:${v.column}` : ''}: ${v.message}`;
}

/** The reasons of a check with their places; a check without places (the registry's answer) has its messages. */
function violationsOf(c: ContractCheck): CheckViolation[] {
  if (c.violations && c.violations.length > 0) return c.violations;
  return c.messages.length > 0 ? c.messages.map((message) => ({ message })) : [{ message: `not ${c.level} compatible` }];
}

const SARIF_RULE = { incompatible: 'schema-incompatible', deleted: 'schema-deleted' } as const;

/** SARIF 2.1.0: one result per reason (level error), one note per deleted file, with the file and, when known, the line and column. */
export function formatSarif(report: CheckReport): string {
  const results = report.checks.flatMap((c): SarifResult[] => {
    const subject = c.subject ? ` (subject ${c.subject})` : '';
    if (!c.compatible) {
      return violationsOf(c).map((v) => ({
        ruleId: SARIF_RULE.incompatible,
        level: 'error',
        message: { text: `${v.message}${subject}, at ${c.level}` },
        locations: [sarifLocation(c.file, v)],
      }));
    }
    if (c.status === 'deleted') return [{ ruleId: SARIF_RULE.deleted, level: 'note', message: { text: c.messages.join('\n') }, locations: [sarifLocation(c.file, {})] }];
    return [];
  });
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'streamflow schema check',
            rules: [
              { id: SARIF_RULE.incompatible, shortDescription: { text: `A schema change that breaks readers or writers at the compatibility level (${report.level})` } },
              { id: SARIF_RULE.deleted, shortDescription: { text: 'A schema file deleted since the compared ref' } },
            ],
          },
        },
        results,
      },
    ],
  });
}

interface SarifResult {
  ruleId: string;
  level: 'error' | 'note';
  message: { text: string };
  locations: Array<ReturnType<typeof sarifLocation>>;
}

function sarifLocation(file: string, at: { line?: number; column?: number }) {
  const region = at.line !== undefined ? { region: { startLine: at.line, ...(at.column !== undefined ? { startColumn: at.column } : {}) } } : {};
  return { physicalLocation: { artifactLocation: { uri: file }, ...region } };
}

// XML 1.0 cannot carry most control characters even escaped: drop them.
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function xml(s: string): string {
  return s
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Escaping of the runner's toolkit (issueCommand): data escapes % CR LF; properties also : and ,. */
function ghData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function ghProperty(s: string): string {
  return ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
