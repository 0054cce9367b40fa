/**
 * The deployment itself: find the application, write the image (GitOps commit or API parameter), refresh,
 * sync to exactly that revision (unless auto-sync does it), and wait until that revision is live.
 */
import { randomUUID } from 'node:crypto';
import { PavedError } from '../../../shared/errors.js';
import { formatDuration } from '../../../shared/duration.js';
import {
  ArgoCdClient,
  ArgoCdError,
  OPERATION_NONCE_INFO,
  evaluateDeployment,
  isAutoSyncEnabled,
  startOperationWhenFree,
  waitForDeployment,
  type Application,
  type ApplicationSource,
  type HelmParameter,
  type RevisionHistory,
} from '../../../shared/argocd/index.js';
import {
  GitOpsCheckout,
  locateImageFile,
  setArgocdSourceImage,
  setHelmValuesImage,
  setKustomizeImage,
  splitImage,
  type ImageEdit,
  type ImageLocation,
} from '../../../shared/gitops/index.js';
import { deployTrailerBlock, withTrailers } from '../../../shared/metrics/records.js';
import type { Inputs } from './inputs.js';

export interface DeployLog {
  info(message: string): void;
  warning(message: string): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export interface DeployContext {
  /** `owner/repo@sha` of the code being deployed. */
  source: string | undefined;
  runUrl: string | undefined;
  /** Called once the image is written (GitOps commit pushed, or the Application patched), before the sync. */
  onWritten?: (written: { gitopsCommit: string | undefined }) => Promise<void>;
  /** Commit time of the source commit (ISO 8601 with offset), for the lead time; undefined when unknown. */
  sourceTime?: string;
}

export interface DeployResult {
  revision: string;
  historyId: number | undefined;
  previousHistoryId: number | undefined;
  previousRevision: string | undefined;
  previousImage: string | undefined;
  gitopsCommit: string | undefined;
  appUrl: string;
  /** The file the image was written to (gitops mode). */
  file: string | undefined;
  /** Whether a sync was started by this run (false: auto-sync did it, or it was already live). */
  syncedByUs: boolean;
  application: Application | undefined;
  durationMs: number;
}

/** Turn the errors of the first contact with Argo CD into messages that say what to fix. */
export function explainArgoError(
  error: unknown,
  inputs: Pick<Inputs, 'app' | 'project' | 'server' | 'auth'>,
): unknown {
  if (!(error instanceof ArgoCdError)) return error;
  const auth = 'token' in inputs.auth ? "the token in 'token'" : `the account '${inputs.auth.username}'`;
  switch (error.kind) {
    case 'unauthenticated':
      return new PavedError(
        `Argo CD at ${inputs.server.origin} rejected ${auth}: ${error.serverMessage}. ${
          'token' in inputs.auth
            ? 'Create a new token (argocd account generate-token) and update the secret.'
            : 'Check username and password.'
        }`,
        { cause: error },
      );
    case 'permission-denied':
      return new PavedError(
        `Application '${inputs.app}' does not exist or ${auth} may not see it (Argo CD answered: ${error.serverMessage}).${
          inputs.project
            ? ''
            : " Set 'project' to get 'not found' instead of 'permission denied' when the app is missing."
        }`,
        { cause: error },
      );
    case 'not-found':
      return new PavedError(
        `Application '${inputs.app}' was not found in project '${inputs.project ?? ''}' (Argo CD answered: ${error.serverMessage})`,
        { cause: error },
      );
    default:
      return error;
  }
}

function singleSource(app: Application): ApplicationSource {
  if (app.spec.sources?.length) {
    throw new PavedError(
      `Application '${app.metadata.name}' has ${app.spec.sources.length} sources; deploy-argocd handles single-source applications (spec.source) only`,
    );
  }
  if (!app.spec.source) throw new PavedError(`Application '${app.metadata.name}' has no spec.source`);
  return app.spec.source;
}

function latestHistory(app: Application | undefined): RevisionHistory | undefined {
  const history = app?.status?.history ?? [];
  return history.reduce<RevisionHistory | undefined>(
    (latest, entry) => (latest === undefined || entry.id > latest.id ? entry : latest),
    undefined,
  );
}

/** The image the app runs now that matches `name` (else the first one), from status.summary.images. */
function runningImage(app: Application, name: string): string | undefined {
  const images = app.status?.summary?.images ?? [];
  return images.find((image) => splitImage(image).name === name) ?? images[0];
}

/** `name@sha256:…` when the reference has a digest (a tag next to it adds nothing), else as given. */
export function recordedImage(image: string): string {
  const parts = splitImage(image);
  return parts.digest ? `${parts.name}@${parts.digest}` : image;
}

/**
 * The commit message: a subject naming app and image, a body naming where it came from, and the Paved-*
 * trailers that `paved metrics` reads (docs/paved-metrics.md).
 */
export function commitMessage(
  inputs: Pick<Inputs, 'app' | 'image' | 'commitMessage'> & Partial<Pick<Inputs, 'service' | 'environment'>>,
  context: DeployContext,
  file: string,
): string {
  const subject = inputs.commitMessage ?? `deploy(${inputs.app}): ${inputs.image}`;
  const body = [
    `Set ${inputs.image} in ${file}.`,
    '',
    ...(context.source ? [`Source: ${context.source}`] : []),
    ...(context.runUrl ? [`Run: ${context.runUrl}`] : []),
  ];
  const sourceCommit = context.source?.slice(context.source.lastIndexOf('@') + 1);
  const trailers = deployTrailerBlock({
    service: inputs.service ?? inputs.app,
    environment: inputs.environment,
    image: recordedImage(inputs.image),
    sourceCommit: sourceCommit || undefined,
    sourceTime: context.sourceTime,
    runUrl: context.runUrl,
  });
  return withTrailers(`${subject}\n\n${body.join('\n')}\n`, trailers);
}

function applyEdit(text: string, location: ImageLocation, inputs: Inputs): ImageEdit {
  const keys = { repositoryKey: inputs.helmRepositoryKey, tagKey: inputs.helmTagKey };
  switch (location.format) {
    case 'kustomize':
      return setKustomizeImage(text, inputs.image, { matchName: inputs.imageName, file: location.file });
    case 'helm':
      return setHelmValuesImage(text, inputs.image, keys, location.file);
    case 'argocd-source':
      return setArgocdSourceImage(text, inputs.image, location.style, {
        matchName: inputs.imageName,
        keys,
        file: location.file,
      });
  }
}

const SHA = /^[0-9a-f]{40}$/;

/** Write the image into the GitOps repository; returns the pushed commit (undefined when already there) and the branch head. */
async function writeToGit(
  inputs: Inputs,
  app: Application,
  source: ApplicationSource,
  context: DeployContext,
  log: DeployLog,
): Promise<{
  commit: string | undefined;
  revision: string;
  previousImage: string | undefined;
  file: string;
}> {
  const url = inputs.gitopsRepo ?? source.repoURL;
  const target = source.targetRevision ?? '';
  const branch =
    inputs.gitopsBranch ?? (target && target !== 'HEAD' && !SHA.test(target) ? target : undefined);
  const path = inputs.path ?? source.path ?? '.';
  return log.group(`Write ${inputs.image} to ${url}${branch ? ` (${branch})` : ''}`, async () => {
    const checkout = await GitOpsCheckout.clone(url, {
      branch: branch ?? (await defaultBranch(url, inputs)),
      auth: { token: inputs.gitopsToken, sshKey: inputs.gitopsSshKey },
      identity: inputs.gitUser,
    });
    try {
      const location = await locateImageFile((file) => checkout.read(file), {
        path,
        app: inputs.app,
        appNamespace: inputs.appNamespace,
        file: inputs.file,
      });
      log.info(
        `The image lives in ${location.file} (${location.format === 'argocd-source' ? `.argocd-source ${location.style} override` : location.format})`,
      );
      // Validate the edit against the file before any commit: a malformed file fails here, with nothing pushed.
      const first = applyEdit(checkout.read(location.file) ?? '', location, inputs);
      const message = commitMessage(inputs, context, location.file);
      const commit = first.changed
        ? await checkout.commitAndPush(
            (co) => {
              const edit = applyEdit(co.read(location.file) ?? '', location, inputs);
              if (edit.changed) co.write(location.file, edit.text);
              return edit.changed;
            },
            message,
            {
              onRetry: (attempt, reason) =>
                log.info(
                  `Push rejected (${reason}); fetched, rebased and trying again (attempt ${attempt + 1})`,
                ),
            },
          )
        : undefined;
      if (commit) log.info(`Pushed ${commit} to ${checkout.branch}`);
      else log.info(`${location.file} already names ${inputs.image}; nothing to commit`);
      return {
        commit,
        revision: commit ?? (await checkout.head()),
        previousImage: first.previous,
        file: location.file,
      };
    } finally {
      checkout.dispose();
    }
  });
}

/** The remote's default branch (for apps that track HEAD). */
async function defaultBranch(url: string, inputs: Inputs): Promise<string> {
  const { runGit, gitEnvironment } = await import('../../../shared/gitops/git.js');
  const result = await runGit(['ls-remote', '--symref', url, 'HEAD'], {
    env: gitEnvironment({ token: inputs.gitopsToken }, undefined),
  });
  const match = /^ref: refs\/heads\/(\S+)\s+HEAD/m.exec(result.stdout);
  if (!match)
    throw new PavedError(`Could not tell the default branch of the GitOps repository; set 'gitops-branch'`);
  return match[1] as string;
}

/** api mode: set the kustomize image or the Helm parameters on the Application. Returns the previous image. */
async function writeThroughApi(
  client: ArgoCdClient,
  inputs: Inputs,
  app: Application,
  source: ApplicationSource,
  log: DeployLog,
): Promise<{ previous: string | undefined; changed: boolean }> {
  const parts = splitImage(inputs.image);
  const isHelm = source.helm !== undefined || app.status?.sourceType === 'Helm';
  let patch: Record<string, unknown>;
  let previous: string | undefined;
  if (isHelm) {
    const params: HelmParameter[] = [...(source.helm?.parameters ?? [])];
    const set = (name: string, value: string): void => {
      const existing = params.find((p) => p.name === name);
      if (existing) {
        existing.value = value;
        existing.forceString = true;
      } else params.push({ name, value, forceString: true });
    };
    const oldRepo = params.find((p) => p.name === inputs.helmRepositoryKey)?.value;
    const oldTag = params.find((p) => p.name === inputs.helmTagKey)?.value;
    previous = oldRepo || oldTag ? `${oldRepo ?? ''}${oldTag ? `:${oldTag}` : ''}` : undefined;
    if (inputs.helmRepositoryKey) set(inputs.helmRepositoryKey, parts.name);
    set(inputs.helmTagKey, `${parts.tag ?? ''}${parts.digest ? `@${parts.digest}` : ''}`);
    // A merge patch replaces arrays wholesale, so the full parameter list is sent.
    patch = { spec: { source: { helm: { parameters: params } } } };
  } else {
    const match = inputs.imageName ?? parts.name;
    const images = [...(source.kustomize?.images ?? [])];
    const index = images.findIndex(
      (entry) =>
        (entry.includes('=') ? entry.slice(0, entry.indexOf('=')) : splitImage(entry).name) === match,
    );
    const value = match === parts.name ? inputs.image : `${match}=${inputs.image}`;
    if (index >= 0) {
      previous = images[index]?.replace(/^[^=]*=/, '');
      images[index] = value;
    } else images.push(value);
    patch = { spec: { source: { kustomize: { images } } } };
  }
  const current = isHelm ? source.helm?.parameters : source.kustomize?.images;
  const wanted = isHelm
    ? (patch['spec'] as { source: { helm: { parameters: unknown } } }).source.helm.parameters
    : (patch['spec'] as { source: { kustomize: { images: unknown } } }).source.kustomize.images;
  if (JSON.stringify(current ?? []) === JSON.stringify(wanted)) {
    log.info(`The Application already sets ${inputs.image}; nothing to change`);
    return { previous, changed: false };
  }
  log.info(
    `Setting ${isHelm ? `Helm parameters ${[inputs.helmRepositoryKey, inputs.helmTagKey].filter(Boolean).join(', ')}` : 'the kustomize image'} on the Application`,
  );
  await client.patchApplication(inputs.app, patch);
  return { previous, changed: true };
}

/** Run the whole deployment. `client` is made from the inputs; tests may pass their own. */
export async function deploy(
  inputs: Inputs,
  context: DeployContext,
  log: DeployLog,
  client = clientFor(inputs),
): Promise<DeployResult> {
  const started = Date.now();
  let app: Application;
  try {
    app = await client.getApplication(inputs.app);
  } catch (error) {
    throw explainArgoError(error, inputs);
  }
  const source = singleSource(app);
  const before = latestHistory(app);
  // Taken before the push: auto-sync may start (and even finish) on our commit before the refresh below.
  const previousOperationStartedAt = app.status?.operationState?.startedAt;
  const autoSync = isAutoSyncEnabled(app.spec);
  const appUrl = client.appUrl(inputs.app);
  log.info(
    `Application ${inputs.app}: ${app.status?.sync?.status ?? 'Unknown'}/${app.status?.health?.status ?? 'Unknown'}, ${autoSync ? 'auto-sync on' : 'manual sync'}, source ${source.repoURL} ${source.path ?? ''} @ ${source.targetRevision ?? 'HEAD'}`,
  );

  let revision: string | undefined;
  let gitopsCommit: string | undefined;
  let previousImage: string | undefined;
  let file: string | undefined;
  let changed: boolean;
  if (inputs.mode === 'gitops') {
    const written = await writeToGit(inputs, app, source, context, log);
    revision = written.revision;
    gitopsCommit = written.commit;
    previousImage = written.previousImage;
    file = written.file;
    changed = written.commit !== undefined;
  } else {
    const written = await writeThroughApi(client, inputs, app, source, log);
    previousImage = written.previous;
    changed = written.changed;
  }
  previousImage ??= runningImage(app, inputs.imageName ?? splitImage(inputs.image).name);
  await context.onWritten?.({ gitopsCommit });

  const result: DeployResult = {
    revision: revision ?? '',
    historyId: undefined,
    previousHistoryId: before?.id,
    previousRevision: before?.revision,
    previousImage,
    gitopsCommit,
    appUrl,
    file,
    syncedByUs: false,
    application: undefined,
    durationMs: 0,
  };
  if (!inputs.sync) {
    result.durationMs = Date.now() - started;
    return result;
  }

  // Refresh first: Argo CD caches the branch head for minutes (argoproj/argo-cd#7680), and a sync right
  // after a push would otherwise compare against, or deploy, the previous commit.
  log.info(`Refreshing ${inputs.app} (${inputs.refresh})`);
  app = await client.getApplication(inputs.app, { refresh: inputs.refresh });
  if (!revision) {
    revision = app.status?.sync?.revision;
    if (!revision)
      throw new PavedError(
        `Argo CD did not resolve a revision for '${inputs.app}' after the refresh; conditions: ${JSON.stringify(app.status?.conditions ?? [])}`,
      );
    result.revision = revision;
  }
  const alreadyLive =
    !changed &&
    evaluateDeployment(app, { revision, requireOperation: false, previousOperationStartedAt: undefined })
      .state === 'done';
  const nonce = randomUUID();
  let requireOperation = false;
  if (alreadyLive) {
    log.info(`${inputs.app} is already Synced and Healthy at ${revision.slice(0, 7)}; no sync needed`);
  } else if (autoSync) {
    log.info(`Auto-sync is on: waiting for Argo CD to sync ${revision.slice(0, 7)} itself`);
    requireOperation = changed;
  } else {
    log.info(`Syncing ${inputs.app} to ${revision.slice(0, 7)}`);
    await startOperationWhenFree(
      client,
      inputs.app,
      () =>
        client.sync(inputs.app, {
          revision,
          prune: inputs.prune,
          infos: [
            { name: OPERATION_NONCE_INFO, value: nonce },
            ...(context.runUrl ? [{ name: 'run', value: context.runUrl }] : []),
          ],
        }),
      { timeoutMs: inputs.timeoutMs, log, mode: inputs.watch, pollIntervalMs: inputs.pollIntervalMs },
    );
    requireOperation = true;
    result.syncedByUs = true;
  }

  const remaining = Math.max(1000, inputs.timeoutMs - (Date.now() - started));
  const live = await waitForDeployment(
    client,
    inputs.app,
    {
      revision,
      requireOperation,
      previousOperationStartedAt,
      previousHistoryId: before?.id,
      operationNonce: result.syncedByUs ? nonce : undefined,
    },
    {
      timeoutMs: remaining,
      timeoutDescription: formatDuration(inputs.timeoutMs),
      stableForMs: inputs.stableForMs,
      mode: inputs.watch,
      pollIntervalMs: inputs.pollIntervalMs,
      log,
    },
  );
  const history = live.status?.history ?? [];
  const entry = [...history].reverse().find((h) => h.revision === revision) ?? latestHistory(live);
  result.historyId = entry?.id;
  // When nothing new was deployed, "previous" is the entry before the live one.
  if (entry && before && entry.id === before.id) {
    const prior = history.filter((h) => h.id < entry.id).pop();
    result.previousHistoryId = prior?.id;
    result.previousRevision = prior?.revision;
  }
  result.application = live;
  result.durationMs = Date.now() - started;
  return result;
}

export function clientFor(inputs: Inputs): ArgoCdClient {
  return new ArgoCdClient({
    server: inputs.server,
    auth: inputs.auth,
    insecure: inputs.insecure,
    appNamespace: inputs.appNamespace,
    project: inputs.project,
  });
}
