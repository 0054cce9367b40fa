/**
 * Schema check with GitHub's own parser (`@actions/workflow-parser`): the workflow or action schema,
 * expression syntax, and the semantic checks of its converter (job dependencies, cron, matrix …).
 */
import { NoOperationTraceWriter, parseWorkflow, convertWorkflowTemplate } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import { ErrorPolicy } from '@actions/workflow-parser/model/convert';
import { PARSER_FEATURES, parseContext } from '../../engine/workflow.js';
import type { Position } from './source.js';
import type { FileKind } from './target.js';

export interface SchemaError {
  position: Position;
  message: string;
}

export interface SchemaResult {
  errors: SchemaError[];
  /** False when the text is not YAML at all; later checks have nothing to read. */
  yamlValid: boolean;
}

export async function checkSchema(text: string, fileName: string, kind: FileKind): Promise<SchemaResult> {
  const file = { name: fileName, content: text };
  // Workflows are read as the engine reads them: with GitHub's parallel steps enabled in the parser.
  const parsed =
    kind === 'action' ? parseAction(file, new NoOperationTraceWriter()) : parseWorkflow(file, parseContext());
  const yamlValid = parsed.value !== undefined;
  if (kind === 'workflow' && parsed.value) {
    // TryConversion keeps converting after schema errors, so one run reports both kinds of problem.
    await convertWorkflowTemplate(parsed.context, parsed.value, undefined, {
      errorPolicy: ErrorPolicy.TryConversion,
      featureFlags: PARSER_FEATURES,
    });
  }
  const seen = new Set<string>();
  const errors: SchemaError[] = [];
  for (const error of parsed.context.errors.getErrors()) {
    const position = error.range?.start ?? { line: 1, column: 1 };
    const key = `${position.line}:${position.column}:${error.rawMessage}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push({ position, message: error.rawMessage.replace(/\s+/g, ' ').trim() });
  }
  return { errors, yamlValid };
}
