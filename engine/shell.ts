/**
 * GitHub's shell rules for `run:` steps on Linux (actions/runner ScriptHandlerHelpers.cs):
 * no `shell:` means `bash -e {0}` (or `sh -e {0}` without bash), the named shells get their fixed
 * templates, anything else is a custom command line containing `{0}` for the script path.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface ShellCommand {
  /** The executable, resolved on PATH when possible. */
  file: string;
  args: string[];
  /** Extension of the script file. */
  extension: string;
  /** Wrap the script the way the runner does for this shell (pwsh adds error handling). */
  wrap(script: string): string;
}

const TEMPLATES: Record<string, string> = {
  bash: 'bash --noprofile --norc -eo pipefail {0}',
  sh: 'sh -e {0}',
  python: 'python {0}',
  pwsh: 'pwsh -command ". \'{0}\'"',
  powershell: 'powershell -command ". \'{0}\'"',
  cmd: 'cmd /D /E:ON /V:OFF /S /C "CALL "{0}""',
};

const EXTENSIONS: Record<string, string> = {
  bash: '.sh',
  sh: '.sh',
  python: '.py',
  pwsh: '.ps1',
  powershell: '.ps1',
  cmd: '.cmd',
};

/** Split a command line like the runner: whitespace separates, double quotes group. */
export function splitCommandLine(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inQuotes = false;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] as string;
    if (char === '"') {
      inQuotes = !inQuotes;
      started = true;
    } else if (!inQuotes && /\s/.test(char)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (started) args.push(current);
  return args;
}

const whichCache = new Map<string, string | undefined>();

/** Resolve a program on PATH (cached per PATH), or undefined. */
export function which(program: string, path: string | undefined): string | undefined {
  if (program.includes('/')) return program;
  const key = `${path ?? ''}\u0000${program}`;
  if (whichCache.has(key)) return whichCache.get(key);
  let found: string | undefined;
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      found = candidate;
      break;
    } catch {
      // not here
    }
  }
  whichCache.set(key, found);
  return found;
}

/** The error for a shell that does not exist on this host, phrased like the runner's. */
export class ShellError extends Error {
  override name = 'ShellError';
}

/**
 * Build the command for `shell` (undefined = default) and a script path placeholder `{0}`.
 * `path` is the PATH the step will run with.
 */
export function resolveShell(shell: string | undefined, path: string | undefined): ShellCommand {
  const name = shell?.trim();
  let template: string;
  let extension: string;
  if (!name) {
    const bash = which('bash', path);
    template = bash ? 'bash -e {0}' : 'sh -e {0}';
    extension = '.sh';
  } else if (TEMPLATES[name]) {
    if (name === 'powershell' || name === 'cmd')
      throw new ShellError(`shell '${name}' is only available on Windows runners; use 'pwsh' or 'bash'`);
    template = TEMPLATES[name] as string;
    extension = EXTENSIONS[name] as string;
  } else {
    if (!name.includes('{0}')) {
      throw new ShellError(
        `Invalid shell option. Shell path should be a known shell (bash, sh, python, pwsh) or a command line containing '{0}'; got '${name}'`,
      );
    }
    template = name;
    const program = (splitCommandLine(name)[0] ?? '').split('/').pop() ?? '';
    extension = EXTENSIONS[program] ?? '';
  }
  const [program = '', ...args] = splitCommandLine(template);
  // Hosts often have only python3 where hosted runners also have python.
  const resolved = which(program, path) ?? (program === 'python' ? which('python3', path) : undefined);
  if (!resolved)
    throw new ShellError(
      `${program}: command not found. The shell '${name ?? 'bash'}' needs '${program}' on PATH`,
    );
  const isPwsh = /(^|\/)pwsh$/.test(program);
  return {
    file: resolved,
    args,
    extension,
    wrap: (script) =>
      isPwsh
        ? `$ErrorActionPreference = 'stop'\n${script}\nif ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }`
        : script,
  };
}
