/**
 * Resolving `uses:`: local actions (`./path`, relative to the workspace), `actions/checkout`
 * (which copies the repository), and remote actions and reusable workflows through the user's
 * `--action-map`. A remote reference without a mapping is an error that names the flag.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { loadActionManifest, manifestPath, type ActionManifest } from '../shared/action-manifest.js';

/** Usage-level problems found before anything runs (exit code 2). */
export class EngineUsageError extends Error {
  override name = 'EngineUsageError';
}

export interface RemoteRef {
  owner: string;
  repo: string;
  /** Path inside the repository ('' for the root). */
  path: string;
  ref: string;
}

export function parseRemoteRef(uses: string): RemoteRef | undefined {
  const at = uses.lastIndexOf('@');
  if (at <= 0) return undefined;
  const [owner, repo, ...rest] = uses.slice(0, at).split('/');
  if (!owner || !repo) return undefined;
  return { owner, repo, path: rest.join('/'), ref: uses.slice(at + 1) };
}

/** Whether `uses` is GitHub's checkout action (any ref). */
export function isCheckout(uses: string): boolean {
  const ref = parseRemoteRef(uses);
  return (
    !!ref && ref.owner.toLowerCase() === 'actions' && ref.repo.toLowerCase() === 'checkout' && ref.path === ''
  );
}

/**
 * Find the local directory for a remote reference: an exact `owner/repo/path@ref` mapping first, then
 * the same without `@ref`, then a mapping of the whole repository (`owner/repo@ref` or `owner/repo`)
 * with the path below it.
 */
export function mapRemote(uses: string, actionMap: Record<string, string>): string | undefined {
  const ref = parseRemoteRef(uses);
  if (!ref) return undefined;
  const lowered = new Map(Object.entries(actionMap).map(([key, dir]) => [key.toLowerCase(), dir]));
  const repoKey = `${ref.owner}/${ref.repo}`.toLowerCase();
  const full = ref.path ? `${repoKey}/${ref.path.toLowerCase()}` : repoKey;
  const exact = lowered.get(`${full}@${ref.ref.toLowerCase()}`) ?? lowered.get(full);
  if (exact) return exact;
  const whole = lowered.get(`${repoKey}@${ref.ref.toLowerCase()}`) ?? lowered.get(repoKey);
  if (whole) return ref.path ? join(whole, ref.path) : whole;
  return undefined;
}

export function unmappedMessage(uses: string, where: string): string {
  const ref = parseRemoteRef(uses);
  const key = ref ? `${ref.owner}/${ref.repo}${ref.path ? `/${ref.path}` : ''}@${ref.ref}` : uses;
  return `${where}: 'uses: ${uses}' is a remote action, which paved run does not download; map it to a local copy with --action-map ${key}=DIR`;
}

export type ActionSource =
  | { kind: 'checkout' }
  | { kind: 'action'; dir: string; manifest: ActionManifest; repository: string; ref: string };

/**
 * Resolve a step's `uses` to an action directory. `workspace` is where `./` paths are resolved
 * (the repository during validation, the job's workspace when running).
 */
export function resolveAction(
  uses: string,
  workspace: string,
  actionMap: Record<string, string>,
  where: string,
): ActionSource {
  if (uses.startsWith('docker://'))
    throw new EngineUsageError(
      `${where}: 'uses: ${uses}' is a container action; paved run runs steps on the host without Docker`,
    );
  if (uses.startsWith('./') || uses === '.') {
    const dir = join(workspace, uses);
    if (!existsSync(dir) || !statSync(dir).isDirectory() || !manifestPath(dir)) {
      // actions/runner's wording for a local action that is not there when its step runs.
      throw new EngineUsageError(
        `${where}: Can't find 'action.yml', 'action.yaml' or 'Dockerfile' under '${dir}'. Did you forget to run actions/checkout before running your local action?`,
      );
    }
    return checkRuntime(
      uses,
      { kind: 'action', dir, manifest: loadActionManifest(dir), repository: '', ref: '' },
      where,
    );
  }
  const mapped = mapRemote(uses, actionMap);
  if (mapped) {
    if (!manifestPath(mapped))
      throw new EngineUsageError(
        `${where}: --action-map sends 'uses: ${uses}' to ${mapped}, which has no action.yml or action.yaml`,
      );
    const ref = parseRemoteRef(uses) as RemoteRef;
    return checkRuntime(
      uses,
      {
        kind: 'action',
        dir: mapped,
        manifest: loadActionManifest(mapped),
        repository: `${ref.owner}/${ref.repo}`,
        ref: ref.ref,
      },
      where,
    );
  }
  if (isCheckout(uses)) return { kind: 'checkout' };
  if (!parseRemoteRef(uses))
    throw new EngineUsageError(
      `${where}: 'uses: ${uses}' is not a valid action reference; expected ./path or owner/repo[/path]@ref`,
    );
  throw new EngineUsageError(unmappedMessage(uses, where));
}

const NODE_RUNTIMES = new Set(['node12', 'node16', 'node20', 'node24']);

function checkRuntime(uses: string, source: ActionSource & { kind: 'action' }, where: string): ActionSource {
  const using = source.manifest.runs.using.toLowerCase();
  if (NODE_RUNTIMES.has(using)) {
    if (typeof source.manifest.runs['main'] !== 'string')
      throw new EngineUsageError(`${where}: ${source.manifest.path} has no 'runs.main'`);
    return source;
  }
  if (using === 'composite') {
    const steps = source.manifest.runs['steps'];
    if (!Array.isArray(steps))
      throw new EngineUsageError(
        `${where}: ${source.manifest.path} is a composite action without 'runs.steps'`,
      );
    // actions/runner action_yaml.json: a composite `run` step requires `shell` (there is no
    // default shell in an action), so the action fails to load.
    const index = steps.findIndex(
      (step) => step && typeof step === 'object' && 'run' in step && !('shell' in step),
    );
    if (index >= 0)
      throw new EngineUsageError(
        `${where}: ${source.manifest.path}${stepPosition(source.manifest.path, index)}: Required property is missing: shell`,
      );
    return source;
  }
  if (using === 'docker')
    throw new EngineUsageError(
      `${where}: 'uses: ${uses}' is a Docker action; paved run runs steps on the host without Docker`,
    );
  throw new EngineUsageError(
    `${where}: ${source.manifest.path} uses 'runs.using: ${source.manifest.runs.using}'; supported are node12, node16, node20, node24 and composite`,
  );
}

/** ` (Line: L, Col: C)` of step `index` of a composite action's `runs.steps`, as the runner writes it. */
function stepPosition(path: string, index: number): string {
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(path, 'utf8'), { lineCounter });
  const steps = doc.getIn(['runs', 'steps'], true);
  const step = isSeq(steps) ? steps.items[index] : undefined;
  if (!isMap(step) || !step.range) return '';
  const { line, col } = lineCounter.linePos(step.range[0]);
  return ` (Line: ${line}, Col: ${col})`;
}

/** Resolve a reusable workflow reference to a file on disk. */
export function resolveWorkflowRef(
  uses: string,
  repoRoot: string,
  actionMap: Record<string, string>,
  where: string,
): string {
  if (uses.startsWith('./')) {
    const file = join(repoRoot, uses);
    if (!existsSync(file))
      throw new EngineUsageError(`${where}: reusable workflow ${uses} does not exist (looked at ${file})`);
    return file;
  }
  const mapped = mapRemote(uses, actionMap);
  if (mapped) {
    if (!existsSync(mapped))
      throw new EngineUsageError(
        `${where}: --action-map sends 'uses: ${uses}' to ${mapped}, which does not exist`,
      );
    return mapped;
  }
  throw new EngineUsageError(
    unmappedMessage(uses, where).replace('remote action', 'remote reusable workflow'),
  );
}
