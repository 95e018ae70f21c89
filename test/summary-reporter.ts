import type { Reporter, RunnerTask, RunnerTestFile } from 'vitest';

/**
 * Prints the plain closing line CI systems read ("N passed, N failed, N skipped"), after
 * vitest's own summary.
 */
export default class SummaryReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = [], errors: unknown[] = []): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const visit = (task: RunnerTask) => {
      if (task.type === 'suite') return task.tasks.forEach(visit);
      if (task.mode === 'skip' || task.mode === 'todo') counts.skipped++;
      else if (task.result?.state === 'pass') counts.passed++;
      else counts.failed++;
    };
    files.forEach((f) => (f.result?.state === 'fail' && f.tasks.length === 0 ? counts.failed++ : f.tasks.forEach(visit)));
    counts.failed += errors.length;
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
