/**
 * `paved init [DIR]`: answers from flags, `.github/paved.yml` or a terminal; every value checked and
 * every file planned before the first write, so bad input or an edited file leaves the repository as it was.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { PavedError } from '../../shared/errors.js';
import type { CliIo } from '../command.js';
import { pavedOrg, pavedPackage } from '../package.js';
import { readSettings, SETTING_KEYS, SETTINGS_FILE, type SettingKey } from '../settings.js';
import { PIPELINE_SECRETS, type TemplateName } from './contract.js';
import { unifiedDiff } from './diff.js';
import { planOwnedFile, type PlannedFile } from './plan.js';
import type { Asker } from './prompt.js';
import {
  DEPENDABOT_FILES,
  DEPLOY_DOC,
  mergeDependabot,
  renderDependabot,
  renderDeployDoc,
  renderSettings,
  renderWorkflow,
  WORKFLOW_FILE,
  type Answers,
} from './render.js';
import { defaultBranch, detectTemplate, githubOwner, workTreeRoot } from './repo.js';
import { checkVaultPair, checkVaultRole, checkVaultUrl, specFor, suggestion, VALUE_SPECS } from './values.js';

/** Bad input: printed as one line, exit code 2, nothing written. */
export class InitInputError extends PavedError {
  override name = 'InitInputError';
}

export interface InitOptions {
  dir: string;
  /** Values given as flags. */
  flags: Partial<Record<SettingKey, string>>;
  dryRun: boolean;
  force: boolean;
}

/** The keys asked for when missing, in prompt order (template and org have their own sources). */
const ASKED: SettingKey[] = SETTING_KEYS.filter(
  (key) => key !== 'org' && key !== 'template' && !specFor(key).optional,
);

export async function runInit(options: InitOptions, io: CliIo, asker: Asker | undefined): Promise<number> {
  for (const [key, value] of Object.entries(options.flags) as Array<[SettingKey, string]>) {
    const problem = specFor(key).check(value);
    if (problem) throw new InitInputError(problem);
  }
  const dir = resolve(io.cwd, options.dir);
  if (!existsSync(dir)) throw new InitInputError(`${options.dir}: no such directory`);
  if (!statSync(dir).isDirectory())
    throw new InitInputError(`${options.dir} is a file; pass the repository's directory`);
  const root = workTreeRoot(dir);
  if (!root)
    throw new InitInputError(
      `${dir} is not inside a git repository; run 'git init' there first (paved init writes .github/ at the repository root)`,
    );

  let settings;
  try {
    settings = readSettings(root);
  } catch (error) {
    throw new InitInputError((error as Error).message);
  }
  const values: Partial<Record<SettingKey, string>> = { ...settings.values, ...options.flags };

  // Said only once everything checks out, so a failure stays a single line.
  const notes: string[] = [];
  if (!values.template) {
    const detected = detectTemplate(root);
    if (!detected) {
      throw new InitInputError(
        `cannot tell what kind of service ${root} holds (no package.json, pyproject.toml, requirements.txt, setup.py, go.mod or Dockerfile at its root); pass --template node-service|python-service|go-service|docker-generic`,
      );
    }
    values.template = detected.template;
    notes.push(`paved init: template ${detected.template} (found ${detected.because})`);
  }
  const pkg = pavedPackage();
  if (!values.org) values.org = (io.env['PAVED_ORG'] ?? '').split(',')[0]?.trim() || pavedOrg(pkg);

  const missing = ASKED.filter((key) => !values[key]);
  if (!values.org) missing.push('org');
  if (missing.length > 0) {
    if (!asker) {
      throw new InitInputError(
        `missing ${missing.map((key) => specFor(key).flag).join(', ')}: stdin is not a terminal, so paved init cannot ask; pass them as flags (or in ${SETTINGS_FILE})`,
      );
    }
    const context = { dirName: basename(root), githubOwner: githubOwner(root) };
    try {
      for (const key of missing) {
        const spec = specFor(key);
        values[key] = await asker.ask(spec.prompt, suggestion(key, values, context), spec.check);
      }
      // Vault is optional: an empty URL keeps the repository secrets, a URL needs its role.
      if (values['vault-url'] === undefined && values['vault-role'] === undefined) {
        const url = await asker.ask(specFor('vault-url').prompt, undefined, checkVaultUrl, true);
        if (url !== '') {
          values['vault-url'] = url;
          values['vault-role'] = await asker.ask(specFor('vault-role').prompt, undefined, checkVaultRole);
        }
      }
    } catch (error) {
      throw new InitInputError((error as Error).message);
    } finally {
      asker.close();
    }
  }
  for (const spec of VALUE_SPECS) {
    const value = values[spec.key];
    if (value === undefined && spec.optional) continue;
    const problem = value === undefined ? `missing ${spec.flag}` : spec.check(value);
    if (problem)
      throw new InitInputError(
        settings.values[spec.key] === value ? `${SETTINGS_FILE}: ${problem}` : problem,
      );
  }
  const unpaired = checkVaultPair(values);
  if (unpaired) throw new InitInputError(unpaired);

  if (!pkg)
    throw new PavedError(
      'cannot find the Paved package (package.json named "paved") this command belongs to',
    );
  const templateFile = join(pkg.root, 'workflows-templates', `${values.template}.yml`);
  if (!existsSync(templateFile))
    throw new PavedError(
      `the ${values.template} template is missing from this Paved installation (${templateFile})`,
    );

  const answers: Answers = {
    org: values.org as string,
    template: values.template as TemplateName,
    service: values.service as string,
    argocdApp: values['argocd-app'] as string,
    gitopsRepo: values['gitops-repo'] as string,
    gitopsPath: values['gitops-path'] as string,
    registry: values.registry as string,
    slackChannel: values['slack-channel'] as string,
    versionTag: `v${pkg.version}`,
    defaultBranch: defaultBranch(root),
    runnerLabels: settings.runnerLabels,
    ...(values['vault-url'] && values['vault-role']
      ? { vault: { url: values['vault-url'], role: values['vault-role'] } }
      : {}),
  };

  const read = (path: string): string | undefined =>
    existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined;
  const plan: PlannedFile[] = [
    planOwnedFile(
      WORKFLOW_FILE,
      read(WORKFLOW_FILE),
      renderWorkflow(readFileSync(templateFile, 'utf8'), answers),
      options.force,
    ),
    planDependabot(read, answers),
    planOwnedFile(SETTINGS_FILE, read(SETTINGS_FILE), renderSettings(answers), options.force, true),
    planOwnedFile(DEPLOY_DOC, read(DEPLOY_DOC), renderDeployDoc(answers), options.force),
  ];

  const refused = plan.filter((file) => file.action === 'refuse');
  if (refused.length === 0) for (const note of notes) io.err(note);
  if (options.dryRun) {
    for (const file of plan) {
      const diff = file.action === 'unchanged' ? '' : unifiedDiff(file.path, file.before, file.after);
      if (diff) io.out(diff.trimEnd());
    }
  }
  if (refused.length > 0) {
    io.err(
      `paved init: ${refused.map((file) => file.reason).join('; ')}; keep your edits, or run again with --force to overwrite${options.dryRun ? ' (dry run: nothing written)' : ''}`,
    );
    return 1;
  }
  if (options.dryRun) {
    for (const file of plan) io.err(`would ${describe(file.action)} ${file.path}`);
    io.err('paved init: dry run, nothing written');
    return 0;
  }
  for (const file of plan) {
    if (file.action === 'unchanged') continue;
    const path = join(root, file.path);
    mkdirSync(dirname(path), { recursive: true });
    // write-then-rename: an interrupted run never leaves a half-written file
    writeFileSync(`${path}.paved-init.tmp`, file.after);
    renameSync(`${path}.paved-init.tmp`, path);
  }
  for (const file of plan) io.out(`${describe(file.action, true)} ${file.path}`);
  if (plan.every((file) => file.action === 'unchanged')) io.out('paved init: everything is up to date');
  else {
    io.out('');
    io.out(
      answers.vault
        ? `Next: let the Vault role ${answers.vault.role} at ${answers.vault.url} read the pipeline's secrets (see ${DEPLOY_DOC}), then commit and push.`
        : `Next: set the repository secrets ${PIPELINE_SECRETS.map((s) => s.repositorySecret).join(', ')} (see ${DEPLOY_DOC}), then commit and push.`,
    );
  }
  return 0;
}

function planDependabot(read: (path: string) => string | undefined, answers: Answers): PlannedFile {
  const existingPath = DEPENDABOT_FILES.find((path) => read(path) !== undefined);
  if (!existingPath)
    return {
      path: DEPENDABOT_FILES[0] as string,
      action: 'create',
      before: undefined,
      after: renderDependabot(answers),
    };
  const existing = read(existingPath) as string;
  let merged: string | undefined;
  try {
    merged = mergeDependabot(existing, existingPath);
  } catch (error) {
    throw new InitInputError((error as Error).message);
  }
  return merged === undefined
    ? { path: existingPath, action: 'unchanged', before: existing, after: existing }
    : { path: existingPath, action: 'merge', before: existing, after: merged };
}

function describe(action: PlannedFile['action'], done = false): string {
  const words: Record<PlannedFile['action'], [string, string]> = {
    create: ['create', 'created  '],
    update: ['update', 'updated  '],
    merge: ['add a github-actions entry to', 'merged   '],
    unchanged: ['leave unchanged', 'unchanged'],
    overwrite: ['overwrite (--force)', 'overwrote'],
    refuse: ['refuse', 'refused  '],
  };
  return words[action][done ? 1 : 0];
}
