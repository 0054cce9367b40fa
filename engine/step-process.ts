/**
 * Running one process for a step (a `run:` script or a JavaScript action's entry point): workflow
 * commands as its lines arrive, file commands when it exits, the step's timeout and cancellation.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { isAbsolute, join, relative } from 'node:path';
import {
  FileCommandError,
  parseCommand,
  parseKeyValueFile,
  parsePathFile,
  type WorkflowCommand,
} from './commands.js';
import type { Frame, JobRun } from './job-run.js';
import { loadMatchers, problemFile } from './problem-matchers.js';
import { spawnStep } from './spawn.js';
import type { Conclusion } from './types.js';

const DEPRECATION_NOTE =
  'For more information see: https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/';

export interface ExecOutcome {
  ok: boolean;
  /** Stopped because the job was cancelled (fail-fast, timeout, Ctrl-C). */
  cancelled?: boolean;
  outputs: Record<string, string>;
  state: Record<string, string>;
}

/**
 * What a background step's processes change in the job (GITHUB_ENV, GITHUB_PATH), held until a
 * `wait` covers the step, and the signal that stops them (`cancel:` or the job's cancellation).
 */
export interface DeferredEffects {
  signal: AbortSignal;
  env: Array<[string, string]>;
  path: string[];
}

/**
 * The background step the current async call chain belongs to (engine/background-steps.ts). Held
 * here rather than passed down because a background step may be a script, a JavaScript action or a
 * composite action whose own steps start processes: every process it starts sees the same effects.
 */
export const backgroundStep = new AsyncLocalStorage<DeferredEffects>();

/**
 * Run one process for a step and apply what it asked for: workflow commands as lines arrive, file
 * commands when it exits. Returns whether it succeeded and what it set.
 */
export async function execProcess(
  run: JobRun,
  stepName: string,
  stepId: string,
  file: string,
  args: string[],
  opts: {
    env: Record<string, string>;
    extraEnv?: Record<string, string>;
    cwd: string;
    timeoutMinutes: number | undefined;
    action: Frame['action'];
    isScript: boolean;
  },
): Promise<ExecOutcome> {
  // Fresh files for this process: the runner's InitializeFiles before the step, ProcessFiles after.
  const files = run.newCommandFiles();
  const env = run.processEnv(opts.env, files, stepId, opts.action);
  if (opts.extraEnv) Object.assign(env, opts.extraEnv);
  const outputs: Record<string, string> = {};
  const state: Record<string, string> = {};
  let failed = false;
  let stopToken: string | undefined;
  let echo = false;
  const masker = run.shared.masker;
  const deferred = backgroundStep.getStore();
  const setEnv = (key: string, value: string): void => {
    if (deferred) deferred.env.push([key, value]);
    else run.globalEnv[key] = value;
  };
  const prependPath = (dir: string): void => {
    if (deferred) deferred.path.push(dir);
    else run.prependPath(dir);
  };
  const signal = deferred?.signal ?? run.signal;
  const allowUnsecure = (env['ACTIONS_ALLOW_UNSECURE_COMMANDS'] ?? '').toLowerCase() === 'true';

  const commandFailed = (line: string, message: string): void => {
    run.annotate('error', `Unable to process command '${line}' successfully.`, stepName);
    run.annotate('error', message, stepName);
    failed = true;
  };
  const handle = (cmd: WorkflowCommand, line: string): boolean => {
    switch (cmd.command) {
      case 'add-mask':
        // AddMaskCommandExtension: an empty value is reported and ignored.
        if (!cmd.data.trim())
          run.annotate(
            'warning',
            "Can't add secret mask for empty string in ##[add-mask] command.",
            stepName,
          );
        else masker.add(cmd.data);
        return true;
      case 'set-output':
      case 'save-state': {
        // Deprecated but still honoured by the runner, with a warning.
        const name = cmd.properties['name'];
        if (!name) {
          commandFailed(line, `Invalid ${cmd.command} command: 'name' is required`);
          return true;
        }
        run.annotate(
          'warning',
          `The \`${cmd.command}\` command is deprecated and will be disabled soon. Please upgrade to using Environment Files. ${DEPRECATION_NOTE}`,
          stepName,
        );
        (cmd.command === 'set-output' ? outputs : state)[name] = cmd.data;
        return true;
      }
      case 'set-env':
      case 'add-path': {
        if (!allowUnsecure) {
          commandFailed(
            line,
            `The \`${cmd.command}\` command is disabled. Please upgrade to using Environment Files or opt into unsecure command execution by setting the \`ACTIONS_ALLOW_UNSECURE_COMMANDS\` environment variable to \`true\`. For more information see: https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/`,
          );
          return true;
        }
        if (cmd.command === 'set-env' && cmd.properties['name']) setEnv(cmd.properties['name'], cmd.data);
        if (cmd.command === 'add-path' && cmd.data) prependPath(cmd.data);
        return true;
      }
      case 'error':
      case 'warning':
      case 'notice':
        run.annotate(cmd.command, cmd.data, stepName, workspaceRelative(cmd.properties, run.workspace));
        return true;
      case 'debug':
        if (run.shared.debug) run.log(`##[debug]${masker.mask(cmd.data)}`, stepName, 'command');
        return true;
      case 'group':
        run.log(`##[group]${masker.mask(cmd.data)}`, stepName, 'command');
        return true;
      case 'endgroup':
        run.log('##[endgroup]', stepName, 'command');
        return true;
      case 'echo': {
        const value = cmd.data.trim().toLowerCase();
        if (value === 'on' || value === 'off') echo = value === 'on';
        else
          commandFailed(
            line,
            `Invalid echo command value. Possible values can be: 'on', 'off'. Current value is: '${cmd.data}'.`,
          );
        return true;
      }
      case 'stop-commands':
        stopToken = cmd.data;
        return true;
      case 'add-matcher': {
        // AddMatcherCommandExtension: the path is relative to the workspace; a file that cannot be
        // read or is not a valid matcher file fails the command, and with it the step.
        if (!cmd.data.trim()) {
          run.annotate('warning', 'File path must be specified.', stepName);
          return true;
        }
        const path = isAbsolute(cmd.data.trim()) ? cmd.data.trim() : join(run.workspace, cmd.data.trim());
        try {
          run.matchers.add(loadMatchers(path));
        } catch (error) {
          commandFailed(line, (error as Error).message);
        }
        return true;
      }
      case 'remove-matcher': {
        const owner = cmd.properties['owner'] ?? cmd.data.trim();
        if (!owner) run.annotate('warning', 'Either the owner or the file path must be specified.', stepName);
        else run.matchers.remove(owner);
        return true;
      }
      default:
        return false;
    }
  };

  const onLine = (line: string, stream: 'stdout' | 'stderr'): void => {
    if (stopToken !== undefined) {
      if (line.trim() === `::${stopToken}::`) {
        stopToken = undefined;
        return;
      }
      run.log(masker.mask(line), stepName, 'line', stream);
      return;
    }
    const trimmed = line.trimStart();
    if (trimmed.startsWith('::') || trimmed.startsWith('##[')) {
      const cmd = parseCommand(line);
      if (cmd) {
        // The command line itself is shown only with echo on (except add-mask, which never echoes).
        if (handle(cmd, line)) {
          if (echo && cmd.command !== 'add-mask') run.log(masker.mask(line), stepName, 'line', stream);
          return;
        }
      }
    }
    run.log(masker.mask(line), stepName, 'line', stream);
    if (run.matchers.size) matchProblem(line);
  };
  // OutputManager: each output line that is not a command is offered to the job's matchers, without
  // its color codes; what one completes becomes an annotation of this step.
  const matchProblem = (line: string): void => {
    const problem = run.matchers.match(line.replace(ANSI_ESCAPES, ''));
    if (!problem) return;
    const props: Record<string, string> = {};
    const file = problemFile(problem, run.workspace);
    if (file) props['file'] = file;
    if (problem.line !== undefined) props['line'] = String(problem.line);
    if (problem.col !== undefined) props['col'] = String(problem.col);
    if (problem.endLine !== undefined) props['endline'] = String(problem.endLine);
    if (problem.endColumn !== undefined) props['endcolumn'] = String(problem.endColumn);
    if (problem.code !== undefined) props['title'] = problem.code;
    run.annotate(problem.severity, problem.message, stepName, props);
  };
  run.matchers.resetAll();

  run.workspaceTouched = true;
  const started = await spawnStep(file, args, {
    env,
    cwd: opts.cwd,
    ...(opts.timeoutMinutes !== undefined
      ? { timeoutMs: opts.timeoutMinutes * (run.shared.options.minuteMs ?? 60_000) }
      : {}),
    // Steps that still run after cancellation (always(), cancelled()) are not cancelled again.
    ...(signal.aborted ? {} : { signal }),
    onLine,
  });
  if (started.error) {
    run.annotate(
      'error',
      `An error occurred trying to start process '${file}' with working directory '${opts.cwd}'. ${started.error}`,
      stepName,
    );
    failed = true;
  }
  // File commands, in the runner's order, read once: nothing written to these files later counts.
  const applyFile = (name: string, path: string, apply: (text: string) => void): void => {
    const text = run.readCommandFile(path);
    if (!text) return;
    try {
      apply(text);
    } catch (error) {
      run.annotate('error', `Unable to process file command '${name}' successfully.`, stepName);
      run.annotate('error', error instanceof FileCommandError ? error.message : String(error), stepName);
      failed = true;
    }
  };
  applyFile('env', files.env, (text) => {
    for (const [key, value] of parseKeyValueFile(text)) {
      // SetEnvFileCommand: NODE_OPTIONS is reported and skipped; the step goes on and the other
      // variables of the file are set.
      if (key.toUpperCase() === 'NODE_OPTIONS') {
        run.annotate(
          'error',
          "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.",
          stepName,
        );
        continue;
      }
      setEnv(key, value);
    }
  });
  applyFile('output', files.output, (text) => {
    for (const [key, value] of parseKeyValueFile(text)) outputs[key] = value;
  });
  applyFile('path', files.path, (text) => {
    for (const dir of parsePathFile(text)) prependPath(dir);
  });
  applyFile('state', files.state, (text) => {
    for (const [key, value] of parseKeyValueFile(text)) state[key] = value;
  });
  applyFile('step_summary', files.summary, (text) => {
    // CreateStepSummaryCommand: a summary over 1 MiB is reported and left out; the step does not fail.
    const size = Buffer.byteLength(text);
    if (size > 1024 * 1024) {
      run.annotate(
        'error',
        `$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got ${Math.floor(size / 1024)}k. For more information see: https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-markdown-summary`,
        stepName,
      );
      return;
    }
    run.summary += masker.mask(text);
    if (!run.summary.endsWith('\n')) run.summary += '\n';
  });
  if (started.cancelled && !started.timedOut) {
    run.log('The operation was canceled.', stepName, 'info');
    return { ok: false, cancelled: true, outputs, state };
  }
  if (started.timedOut) {
    run.annotate(
      'error',
      `The action '${stepName}' has timed out after ${opts.timeoutMinutes} minutes.`,
      stepName,
    );
    return { ok: false, outputs, state };
  }
  if (started.exitCode !== 0 && !started.error) {
    if (opts.isScript)
      run.annotate('error', `Process completed with exit code ${started.exitCode}.`, stepName);
    else run.log(`Process completed with exit code ${started.exitCode}.`, stepName);
    failed = true;
  }
  return { ok: !failed, outputs, state };
}

/** Color and cursor escape sequences, left out before a line is matched. */
const ANSI_ESCAPES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

/**
 * An annotation's `file` inside the workspace, written relative to it as the runner writes it
 * (IssueCommandExtension: IOUtil.MakeRelative against github.workspace).
 */
function workspaceRelative(props: Record<string, string>, workspace: string): Record<string, string> {
  const file = props['file'];
  if (!file || !isAbsolute(file)) return props;
  const inWorkspace = relative(workspace, file);
  if (!inWorkspace || inWorkspace.startsWith('..') || isAbsolute(inWorkspace)) return props;
  return { ...props, file: inWorkspace };
}

/** A step's outcome from how its process ended. */
export function stepOutcome(result: ExecOutcome): Conclusion {
  return result.ok ? 'success' : result.cancelled ? 'cancelled' : 'failure';
}
