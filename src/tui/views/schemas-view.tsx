import { Box } from 'ink';
import type { SubjectSummary } from '../../schema/subject-admin.js';
import { line } from '../components/line.js';
import { Lines } from '../components/lines.js';
import { Table } from '../components/table.js';
import type { ColumnSpec } from '../layout/fit-columns.js';
import { wrapWords } from '../../text/text-width.js';
import type { SubjectVersionRow } from '../state/dashboard-state.js';
import { cursorOf, visibleItems } from '../state/lists.js';
import type { ViewProps } from './view-props.js';

const subjectColumns: Array<ColumnSpec<SubjectSummary>> = [
  { title: 'SUBJECT', min: 16, max: 80, priority: 0, value: (x) => x.subject },
  { title: 'LATEST', min: 6, priority: 0, align: 'right', value: (x) => (x.version === null ? 'none' : String(x.version)) },
  { title: 'ID', min: 4, priority: 2, align: 'right', value: (x) => (x.id === null ? '-' : String(x.id)) },
  { title: 'COMPATIBILITY', min: 13, priority: 1, value: (x) => x.compatibility },
];

const versionColumns: Array<ColumnSpec<SubjectVersionRow>> = [
  { title: 'VERSION', min: 7, priority: 0, align: 'right', value: (v) => String(v.version) },
  { title: 'ID', min: 4, priority: 0, align: 'right', value: (v) => String(v.id) },
  { title: 'SCHEMA', min: 10, max: 80, priority: 1, value: (v) => v.summary },
];

/** Registry subjects with their latest version and compatibility level; Enter lists a subject's versions. */
export function SchemasView({ state, width, height, color }: ViewProps) {
  const { subjects, versions, error } = state.schemas;
  if (!versions) {
    return (
      <Table
        columns={subjectColumns}
        rows={visibleItems(state, 'schemas')}
        cursor={cursorOf(state, 'schemas')}
        height={height}
        width={width}
        color={color}
        empty={subjects === null ? (error ? 'No subjects (see the status line).' : 'Reading the registry…') : 'No subjects match.'}
      />
    );
  }
  const level = subjects?.find((x) => x.subject === versions.subject)?.compatibility;
  const title = `${versions.subject}${level ? ` · compatibility ${level}` : ''}`;
  if (versions.status !== 'ready') {
    const text = versions.status === 'loading' ? 'Reading versions…' : `Could not read the versions: ${versions.error}`;
    return <Lines lines={[line(title, 'heading'), line(''), ...wrapWords(text, width).map((t) => line(t, versions.status === 'failed' ? 'error' : 'dim'))]} height={height} width={width} color={color} />;
  }
  return (
    <Box flexDirection="column" height={height}>
      <Lines lines={[line(title, 'heading')]} height={2} width={width} color={color} />
      <Table columns={versionColumns} rows={visibleItems(state, 'schema-versions')} cursor={cursorOf(state, 'schema-versions')} height={height - 2} width={width} color={color} empty="No versions." />
    </Box>
  );
}
