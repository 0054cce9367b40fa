import { isAbsolute, resolve } from 'node:path';
import { InputError } from '../../../shared/errors.js';
import { maskSecret } from '../../../shared/secrets.js';
import { InputReader } from '../../../shared/inputs.js';

export const FAIL_ON = ['failures', 'errors', 'nothing'] as const;
/** action.yml's default for `reports`. */
export const DEFAULT_REPORTS = ['**/junit*.xml', '**/TEST-*.xml', '**/test-results/**/*.xml'];

export interface Inputs {
  readonly command: string | undefined;
  readonly workingDirectory: string;
  readonly reports: readonly string[];
  readonly coverage: readonly string[];
  readonly minCoverage: number | undefined;
  readonly failOn: (typeof FAIL_ON)[number];
  readonly failOnEmpty: boolean;
  readonly maxAnnotations: number;
  readonly summary: boolean;
  /** auto: a PR comment on pull requests, a commit status on pushes (needs github-token). */
  readonly feedback: 'auto' | 'off';
  readonly githubToken: string | undefined;
}

export function getInputs(
  reader = new InputReader(),
  workspace = process.env['GITHUB_WORKSPACE'] ?? process.cwd(),
): Inputs {
  const command = reader.string('command', { trim: false });
  const workingDirectory = reader.string('working-directory', { default: '.' });
  const listed = reader.list('reports');
  const reports = listed.length > 0 ? listed : DEFAULT_REPORTS;
  const coverage = reader.list('coverage');
  const minCoverage = reader.number('min-coverage', { min: 0, max: 100 });
  const failOn = reader.enum('fail-on', FAIL_ON, { default: 'failures' });
  const failOnEmpty = reader.boolean('fail-on-empty', { default: true });
  const maxAnnotations = reader.integer('max-annotations', { default: 10, min: 0, max: 50 });
  const summary = reader.boolean('summary', { default: true });
  const feedback = reader.enum('feedback', ['auto', 'off'] as const, { default: 'auto' });
  const githubToken = reader.secret('github-token', maskSecret);
  if (minCoverage !== undefined && coverage.length === 0) {
    throw InputError.conflict(
      'min-coverage',
      'coverage',
      "a coverage gate needs coverage files: set 'coverage' to the lcov or Cobertura files your tests write",
    );
  }
  return {
    command: command?.trim() ? command : undefined,
    workingDirectory: isAbsolute(workingDirectory) ? workingDirectory : resolve(workspace, workingDirectory),
    reports,
    coverage,
    minCoverage,
    failOn,
    failOnEmpty,
    maxAnnotations,
    summary,
    feedback,
    githubToken,
  };
}
