/**
 * The per-workflow lines of `paved run` on a directory: each workflow is a run of its own (as on
 * GitHub), so one can be cancelled — by its `concurrency:` group, say — while the others succeed,
 * and a workflow cancelled before its first job has no row in the job table.
 */
import type { WorkflowRunResult } from '../engine/index.js';

/** `WORKFLOW  CONCLUSION` lines, by file name; nothing for a run of a single workflow. */
export function workflowTable(
  workflows: ReadonlyArray<Pick<WorkflowRunResult, 'workflow' | 'conclusion'>>,
): string[] {
  if (workflows.length < 2) return [];
  const sorted = [...workflows].sort((a, b) => a.workflow.localeCompare(b.workflow));
  const width = Math.max(8, ...sorted.map((w) => w.workflow.length));
  return [
    `${'WORKFLOW'.padEnd(width)}  CONCLUSION`,
    ...sorted.map((w) => `${w.workflow.padEnd(width)}  ${w.conclusion}`),
  ];
}
