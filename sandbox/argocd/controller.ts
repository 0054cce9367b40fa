/**
 * The stand-in's application controller: the object model of an Application and the lifecycle of its
 * operations, as shared/argocd/API-NOTES.md §12 describes them.
 *
 * - A sync request sets `operation` (and clears `status.operationState`); the controller picks it up after
 *   `pickupMs` (phase Running), applies it after `syncMs`, and ends it Succeeded/Failed/Error, removing
 *   `operation` in the same update and appending to `history` (ids continue after truncation to
 *   `revisionHistoryLimit`, default 10).
 * - `status.sync`/`status.health`/`reconciledAt` are refreshed only `reconcileLagMs` after the operation
 *   finished, so the stale Synced/Healthy of the previous revision is observable, as on a real cluster.
 * - Git is read for real: each repoURL is mirrored; the desired image is rendered from the files at the
 *   revision (shared/gitops render), and the live one is what the {@link Workload} runs.
 * - Auto-sync starts an operation when OutOfSync, once per (revision, image); git changes are noticed by
 *   polling every `gitPollMs` or on `?refresh`.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gitEnvironment, runGit } from '../../shared/gitops/git.js';
import { renderImage } from '../../shared/gitops/render.js';
import {
  isAutoSyncEnabled,
  isCompletedPhase,
  type Application,
  type ApplicationSource,
  type ApplicationSpec,
  type ApplicationStatus,
  type Operation,
  type OperationState,
  type ResourceNode,
  type ApplicationTree,
} from '../../shared/argocd/types.js';
import { Workload, type ImagePreparer } from './workload.js';

export interface Timing {
  /** From sync request to phase Running. */
  pickupMs: number;
  /** From Running to the operation's end. */
  syncMs: number;
  /** From the operation's end to the reconcile that updates sync/health/reconciledAt. */
  reconcileLagMs: number;
  /** How often git is polled for new commits (auto-sync, drift). 0 = only on refresh. */
  gitPollMs: number;
  /** Progress deadline of the Deployment. */
  progressDeadlineMs: number;
}

export const DEFAULT_TIMING: Timing = {
  pickupMs: 50,
  syncMs: 150,
  reconcileLagMs: 150,
  gitPollMs: 3000,
  progressDeadlineMs: 60_000,
};

/** How an application is defined in the stand-in (the admin endpoint and `addApplication` take this). */
export interface ApplicationDefinition {
  name: string;
  /** Namespace of the Application object. Default `argocd`. */
  namespace?: string;
  project?: string;
  repoURL: string;
  path: string;
  targetRevision?: string;
  /** Automated sync (with selfHeal false, prune true). */
  automated?: boolean;
  revisionHistoryLimit?: number;
  destinationNamespace?: string;
  /** The path the workload's readiness probe asks. Default `/healthz`. */
  readinessPath?: string;
  /** The image name as written in the manifests (kustomize match key). */
  imageName?: string;
  /** Extra environment for the pods. */
  env?: Record<string, string>;
  source?: Partial<ApplicationSource>;
}

export interface SyncFault {
  /** How many sync operations fail (then the fault is used up). */
  count: number;
  message?: string;
  /** Only operations of this application. */
  app?: string;
}

export interface AppRecord {
  name: string;
  namespace: string;
  uid: string;
  createdAt: string;
  resourceVersion: number;
  spec: ApplicationSpec;
  operation: Operation | undefined;
  status: ApplicationStatus;
  readinessPath: string;
  imageName: string | undefined;
  workload: Workload;
  /** What the last successful sync applied. */
  live: { revision: string; image: string; source: ApplicationSource } | undefined;
  autoSyncAttempted: Set<string>;
  terminating: boolean;
  deleted: boolean;
}

/** RFC3339 with second precision, as metav1.Time marshals. */
export function timestamp(date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * A bare mirror of one repoURL, as the repo-server keeps. Commits are immutable, so file reads at a sha
 * are cached for good; branch and tag resolutions are cached until the next fetch. Without the caches
 * every reconcile of every app would spawn several git processes.
 */
export class RepoMirror {
  private fetching: Promise<void> | undefined;
  private lastFetch = 0;
  /** Bumped by every fetch, so a rev-parse that raced a fetch is not cached. */
  private generation = 0;
  private readonly resolved = new Map<string, string | undefined>();
  private readonly files = new Map<string, string | undefined>();
  constructor(
    readonly url: string,
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /**
   * Bring the mirror up to date. `force` (a refresh) must see every commit pushed before the call,
   * so it does not join a fetch that was already running: it waits for it and fetches again.
   */
  async fetch(force = false): Promise<void> {
    if (force && this.fetching) await this.fetching.catch(() => undefined);
    else if (!force && Date.now() - this.lastFetch < 200) return;
    // Another caller may have started a fetch while we waited; it began after our call, so join it.
    this.fetching ??= (async () => {
      if (!existsSync(join(this.dir, 'HEAD'))) {
        await runGit(['clone', '--quiet', '--mirror', this.url, this.dir], { env: this.env });
      } else {
        await runGit(
          [
            '--git-dir',
            this.dir,
            'fetch',
            '--quiet',
            '--prune',
            'origin',
            '+refs/heads/*:refs/heads/*',
            '+refs/tags/*:refs/tags/*',
          ],
          { env: this.env },
        );
      }
      this.lastFetch = Date.now();
      this.generation++;
      for (const key of [...this.resolved.keys()]) if (!FULL_SHA.test(key)) this.resolved.delete(key);
    })().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  async resolve(revision: string): Promise<string | undefined> {
    const rev = revision === '' || revision === 'HEAD' ? 'HEAD' : revision;
    if (this.resolved.has(rev)) return this.resolved.get(rev);
    const generation = this.generation;
    const sha = await this.resolveNow(rev);
    // An unknown revision may appear with the next fetch: only hits are cached, and only when no
    // fetch finished meanwhile (the answer may predate it).
    if (sha && generation === this.generation) this.resolved.set(rev, sha);
    return sha;
  }

  private async resolveNow(rev: string): Promise<string | undefined> {
    const result = await runGit(
      ['--git-dir', this.dir, 'rev-parse', '--verify', '--quiet', `${rev}^{commit}`],
      { env: this.env, allowFailure: true },
    );
    return result.code === 0 ? result.stdout.trim() : undefined;
  }

  async read(sha: string, path: string): Promise<string | undefined> {
    const key = `${sha}:${path}`;
    if (FULL_SHA.test(sha) && this.files.has(key)) return this.files.get(key);
    const result = await runGit(['--git-dir', this.dir, 'show', key], {
      env: this.env,
      allowFailure: true,
    });
    const text = result.code === 0 ? result.stdout : undefined;
    if (FULL_SHA.test(sha)) this.files.set(key, text);
    return text;
  }
}

const FULL_SHA = /^[0-9a-f]{40}$/;

export interface ControllerOptions {
  workDir: string;
  timing: Timing;
  preparer: ImagePreparer;
  /** Tokens for repositories, by URL prefix (as Argo CD's repository credentials). */
  repoCredentials: Record<string, string>;
  /** The control plane's namespace. */
  namespace: string;
  /** Take the next sync fault (if any) for `app`. */
  takeSyncFault: (app: string) => SyncFault | undefined;
}

export class Controller extends EventEmitter {
  readonly apps = new Map<string, AppRecord>();
  private resourceVersion = 1000;
  private readonly mirrors = new Map<string, RepoMirror>();
  /** The tail of each app's reconcile queue. */
  private readonly reconciling = new Map<AppRecord, Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private gitPoll: NodeJS.Timeout | undefined;
  private stopped = false;

  /** Operation and reconcile timing; tests may change it while running. */
  readonly timing: Timing;

  constructor(private readonly options: ControllerOptions) {
    super();
    this.timing = options.timing;
    this.setMaxListeners(0);
    if (options.timing.gitPollMs > 0) {
      // One fetch per repository per poll, then every app reconciles from the (cached) mirror.
      this.gitPoll = setInterval(() => {
        void Promise.all(
          [...this.mirrors.values()].map((mirror) => mirror.fetch().catch(() => undefined)),
        ).then(() => {
          for (const app of this.apps.values())
            void this.reconcile(app, { fetch: false }).catch(() => undefined);
        });
      }, options.timing.gitPollMs);
      this.gitPoll.unref();
    }
  }

  key(name: string, namespace = this.options.namespace): string {
    return `${namespace}/${name}`;
  }

  find(name: string, namespace?: string): AppRecord | undefined {
    const app = this.apps.get(this.key(name, namespace || this.options.namespace));
    return app && !app.deleted ? app : undefined;
  }

  private later(ms: number, fn: () => void | Promise<void>): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) void Promise.resolve(fn()).catch((error: unknown) => this.emit('error', error));
    }, ms);
    this.timers.add(timer);
  }

  /** Record a change: bump resourceVersion and tell watchers. */
  touch(app: AppRecord): void {
    app.resourceVersion = ++this.resourceVersion;
    this.emit('change', app);
  }

  mirror(url: string): RepoMirror {
    let mirror = this.mirrors.get(url);
    if (!mirror) {
      const prefix = Object.keys(this.options.repoCredentials).find((p) => url.startsWith(p));
      const env = gitEnvironment(prefix ? { token: this.options.repoCredentials[prefix] } : {}, undefined);
      const dir = join(
        this.options.workDir,
        'repos',
        `${this.mirrors.size}-${url.replace(/[^A-Za-z0-9]+/g, '_').slice(-60)}`,
      );
      mkdirSync(join(this.options.workDir, 'repos'), { recursive: true });
      mirror = new RepoMirror(url, dir, env);
      this.mirrors.set(url, mirror);
    }
    return mirror;
  }

  async addApplication(def: ApplicationDefinition): Promise<AppRecord> {
    const namespace = def.namespace ?? this.options.namespace;
    if (this.find(def.name, namespace))
      throw new Error(`application ${namespace}/${def.name} already exists`);
    const source: ApplicationSource = {
      repoURL: def.repoURL,
      path: def.path,
      targetRevision: def.targetRevision ?? 'HEAD',
      ...def.source,
    };
    const spec: ApplicationSpec = {
      project: def.project ?? 'default',
      source,
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: def.destinationNamespace ?? def.name,
      },
      syncPolicy: def.automated ? { automated: { prune: true, selfHeal: false, enabled: true } } : {},
    };
    if (def.revisionHistoryLimit !== undefined) spec.revisionHistoryLimit = def.revisionHistoryLimit;
    const record: AppRecord = {
      name: def.name,
      namespace,
      uid: randomUUID(),
      createdAt: timestamp(),
      resourceVersion: 0,
      spec,
      operation: undefined,
      status: {
        sync: { status: 'Unknown' },
        health: { status: 'Missing' },
        controllerNamespace: this.options.namespace,
      },
      readinessPath: def.readinessPath ?? '/healthz',
      imageName: def.imageName,
      workload: undefined as unknown as Workload,
      live: undefined,
      autoSyncAttempted: new Set(),
      terminating: false,
      deleted: false,
    };
    record.workload = new Workload({
      name: def.name,
      preparer: this.options.preparer,
      readinessPath: record.readinessPath,
      progressDeadlineMs: this.timing.progressDeadlineMs,
      env: def.env,
      // A pod becoming ready (or crashing) is a resource event: the controller reconciles at once.
      // While an operation runs, the reconcile after it catches up (keeping the post-operation lag visible).
      onChange: () => {
        if (!record.operation) void this.reconcile(record, { fetch: false }).catch(() => undefined);
      },
    });
    this.apps.set(this.key(def.name, namespace), record);
    await this.mirror(source.repoURL).fetch(true);
    await this.reconcile(record, { fetch: false });
    return record;
  }

  /** The desired image of `app` at `sha` with `source`. */
  async render(app: AppRecord, sha: string, source: ApplicationSource): Promise<string | undefined> {
    const mirror = this.mirror(source.repoURL);
    return renderImage((path) => mirror.read(sha, path), source, {
      app: app.name,
      appNamespace: app.namespace === this.options.namespace ? undefined : app.namespace,
      imageName: app.imageName,
    });
  }

  /** Compare desired (git at targetRevision) with live (the workload), update status, maybe auto-sync. */
  reconcile(app: AppRecord, options: { fetch: boolean; hard?: boolean }): Promise<void> {
    // The app controller's work queue never processes one app twice at once: reconciles of an app
    // run one after another, so an older comparison cannot overwrite a newer one.
    const next = (this.reconciling.get(app) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.reconcileNow(app, options));
    this.reconciling.set(app, next);
    void next
      .finally(() => {
        if (this.reconciling.get(app) === next) this.reconciling.delete(app);
      })
      .catch(() => undefined);
    return next;
  }

  private async reconcileNow(app: AppRecord, options: { fetch: boolean; hard?: boolean }): Promise<void> {
    if (app.deleted || this.stopped) return;
    const source = app.spec.source as ApplicationSource;
    const mirror = this.mirror(source.repoURL);
    const status = app.status;
    const conditions: ApplicationStatus['conditions'] = [];
    try {
      if (options.fetch) await mirror.fetch(options.hard ?? false);
    } catch (error) {
      conditions.push({
        type: 'ComparisonError',
        message: `Failed to load target state: ${(error as Error).message}`,
        lastTransitionTime: timestamp(),
      });
    }
    const target = source.targetRevision ?? 'HEAD';
    const sha = conditions.length ? undefined : await mirror.resolve(target);
    let desired: string | undefined;
    if (!sha && !conditions.length) {
      conditions.push({
        type: 'ComparisonError',
        message: `Failed to load target state: unable to resolve '${target}' to a commit SHA`,
        lastTransitionTime: timestamp(),
      });
    }
    if (sha) {
      desired = await this.render(app, sha, source);
      if (!desired) {
        conditions.push({
          type: 'ComparisonError',
          message: `Failed to load target state: failed to generate manifest for source 1 of 1: no image found in ${source.path ?? '.'} at ${sha.slice(0, 7)}`,
          lastTransitionTime: timestamp(),
        });
      }
    }
    const running = app.workload.desiredImage ?? app.live?.image;
    const syncStatus = conditions.length
      ? 'Unknown'
      : running !== undefined && running === desired
        ? 'Synced'
        : 'OutOfSync';
    status.sync = {
      status: syncStatus,
      comparedTo: { source, destination: app.spec.destination },
      ...(sha ? { revision: sha } : {}),
    };
    const health = this.updateHealth(app);
    status.conditions = conditions.length ? conditions : undefined;
    status.resources = [
      {
        version: 'v1',
        kind: 'Service',
        namespace: app.spec.destination.namespace,
        name: app.name,
        status: syncStatus,
        health: { status: 'Healthy' },
      },
      {
        group: 'apps',
        version: 'v1',
        kind: 'Deployment',
        namespace: app.spec.destination.namespace,
        name: app.name,
        status: syncStatus,
        health: { status: health.status, ...(health.message ? { message: health.message } : {}) },
      },
    ];
    const images = [...new Set(app.workload.pods().map((p) => p.image))];
    status.summary = {
      ...(images.length ? { images } : {}),
      ...(app.workload.url ? { externalURLs: [app.workload.url] } : {}),
    };
    status.sourceType = 'Kustomize';
    status.sourceTypes = undefined;
    status.reconciledAt = timestamp();
    status.observedAt = status.reconciledAt;
    this.touch(app);
    if (
      isAutoSyncEnabled(app.spec) &&
      syncStatus === 'OutOfSync' &&
      sha &&
      desired &&
      !app.operation &&
      !app.autoSyncAttempted.has(`${sha}|${desired}`)
    ) {
      app.autoSyncAttempted.add(`${sha}|${desired}`);
      this.startOperation(app, {
        sync: { revision: sha, prune: true },
        initiatedBy: { automated: true },
        retry: app.spec.syncPolicy?.retry ?? {},
      });
    }
  }

  /** Copy the workload's health into status.health (keeping lastTransitionTime when unchanged). */
  private updateHealth(app: AppRecord): ReturnType<Workload['health']> {
    const health = app.workload.health();
    const status = app.status;
    if (status.health?.status !== health.status || status.health.message !== health.message) {
      status.health = {
        status: health.status,
        ...(health.message ? { message: health.message } : {}),
        lastTransitionTime: timestamp(),
      };
    }
    return health;
  }

  /** Set `operation` (the API's part) and schedule the controller's part. */
  startOperation(app: AppRecord, operation: Operation): void {
    app.operation = operation;
    app.status.operationState = undefined;
    app.terminating = false;
    this.touch(app);
    this.later(this.timing.pickupMs, () => this.runOperation(app, operation, 0, timestamp()));
  }

  private async runOperation(
    app: AppRecord,
    operation: Operation,
    retryCount: number,
    startedAt: string,
  ): Promise<void> {
    if (app.deleted || app.operation !== operation) return;
    const state: OperationState = {
      operation,
      phase: 'Running',
      message: retryCount ? app.status.operationState?.message : undefined,
      startedAt,
      ...(retryCount ? { retryCount } : {}),
    };
    if (!state.message) delete state.message;
    app.status.operationState = state;
    this.touch(app);
    await new Promise<void>((resolve) => this.later(this.timing.syncMs, resolve));
    if (app.deleted || app.operation !== operation) return;
    if (app.terminating) {
      this.finish(app, state, 'Failed', 'Operation terminated');
      return;
    }
    const sync = operation.sync ?? {};
    const source = sync.source ?? (app.spec.source as ApplicationSource);
    const mirror = this.mirror(source.repoURL);
    const requested = sync.revision || source.targetRevision || 'HEAD';
    let sha = await mirror.resolve(requested);
    if (!sha) {
      await mirror.fetch(true).catch(() => undefined);
      sha = await mirror.resolve(requested);
    }
    if (!sha) {
      this.finish(
        app,
        state,
        'Error',
        `ComparisonError: Failed to load target state: unable to resolve '${requested}' to a commit SHA`,
      );
      return;
    }
    const image = await this.render(app, sha, source);
    if (!image) {
      this.finish(
        app,
        state,
        'Error',
        `failed to generate manifest for source 1 of 1: no image found in ${source.path ?? '.'} at ${sha.slice(0, 7)}`,
      );
      return;
    }
    const resource = {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      namespace: app.spec.destination.namespace,
      name: app.name,
    };
    const fault = this.options.takeSyncFault(app.name);
    if (fault) {
      const message =
        fault.message ?? 'admission webhook "validate.sandbox" denied the request: injected sync failure';
      state.syncResult = {
        revision: sha,
        source,
        resources: [
          {
            ...resource,
            status: 'SyncFailed',
            message,
            hookPhase: 'Failed',
            syncPhase: 'Sync',
            images: [image],
          },
        ],
      };
      const limit = operation.retry?.limit ?? 0;
      if (limit !== 0 && (limit < 0 || retryCount < limit)) {
        const backoffMs = retryBackoffMs(operation, retryCount);
        state.finishedAt = timestamp();
        state.retryCount = retryCount + 1;
        state.message = `one or more objects failed to apply, reason: ${message}. Retrying attempt #${retryCount + 1} at ${clock(new Date(Date.now() + backoffMs))}.`;
        this.touch(app);
        this.later(backoffMs, () => this.runOperation(app, operation, retryCount + 1, startedAt));
        return;
      }
      this.finish(
        app,
        state,
        'Failed',
        `one or more objects failed to apply, reason: ${message}${retryCount ? ` (retried ${retryCount} times).` : ''}`,
      );
      return;
    }
    if (!sync.dryRun) {
      app.workload.rollout(image, sha);
      // Resource health follows the live objects (the controller's cluster cache), so the rollout shows at
      // once; the comparison (status.sync, reconciledAt) waits for the reconcile after the operation.
      this.updateHealth(app);
      app.live = { revision: sha, image, source };
    }
    state.syncResult = {
      revision: sha,
      source,
      resources: [
        {
          ...resource,
          status: 'Synced',
          message: `deployment.apps/${app.name} configured`,
          hookPhase: 'Running',
          syncPhase: 'Sync',
          images: [image],
        },
      ],
    };
    this.finish(
      app,
      state,
      'Succeeded',
      'successfully synced (all tasks run)',
      sync.dryRun || (sync.resources?.length ?? 0) > 0 ? undefined : { revision: sha, source },
    );
  }

  private finish(
    app: AppRecord,
    state: OperationState,
    phase: 'Succeeded' | 'Failed' | 'Error',
    message: string,
    history?: { revision: string; source: ApplicationSource },
  ): void {
    state.phase = phase;
    state.message = message;
    state.finishedAt = timestamp();
    if (history) {
      const entries = app.status.history ?? [];
      const last = entries[entries.length - 1];
      entries.push({
        id: last ? last.id + 1 : 0,
        revision: history.revision,
        deployedAt: state.finishedAt,
        deployStartedAt: state.startedAt,
        source: history.source,
        initiatedBy: state.operation.initiatedBy,
      });
      const limit = app.spec.revisionHistoryLimit ?? 10;
      app.status.history = limit <= 0 ? undefined : entries.slice(-limit);
    }
    app.operation = undefined;
    app.terminating = false;
    this.touch(app);
    // The refresh after an operation lands a moment later (appcontroller requestAppRefresh).
    this.later(this.timing.reconcileLagMs, () => this.reconcile(app, { fetch: true }));
  }

  /** DELETE …/operation. */
  terminate(app: AppRecord): boolean {
    const state = app.status.operationState;
    if (!app.operation || !state || isCompletedPhase(state.phase)) return false;
    state.phase = 'Terminating';
    app.terminating = true;
    this.touch(app);
    return true;
  }

  /** A JSON view of the Application, shaped like argocd-server's response. */
  view(app: AppRecord, options: { omitOperationState?: boolean } = {}): Application {
    const status: ApplicationStatus = structuredClone(app.status);
    for (const key of Object.keys(status) as (keyof ApplicationStatus)[])
      if (status[key] === undefined) delete status[key];
    if (options.omitOperationState) delete status.operationState;
    const view: Application = {
      metadata: {
        name: app.name,
        namespace: app.namespace,
        uid: app.uid,
        resourceVersion: String(app.resourceVersion),
        generation: 1,
        creationTimestamp: app.createdAt,
      },
      spec: structuredClone(app.spec),
      status,
    };
    if (app.operation) view.operation = structuredClone(app.operation);
    return view;
  }

  /** The resource tree: Service, Deployment, a ReplicaSet and Pod per live pod. */
  tree(app: AppRecord): ApplicationTree {
    const ns = app.spec.destination.namespace;
    const health = app.workload.health();
    const deployment: ResourceNode = {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      namespace: ns,
      name: app.name,
      uid: `${app.uid}-deploy`,
      resourceVersion: String(app.resourceVersion),
      health: { status: health.status, ...(health.message ? { message: health.message } : {}) },
      createdAt: app.createdAt,
    };
    const nodes: ResourceNode[] = [
      {
        version: 'v1',
        kind: 'Service',
        namespace: ns,
        name: app.name,
        uid: `${app.uid}-svc`,
        health: { status: 'Healthy' },
        networkingInfo: app.workload.url ? { externalURLs: [app.workload.url] } : {},
        createdAt: app.createdAt,
      },
      deployment,
    ];
    for (const pod of app.workload.pods()) {
      const rsName = pod.name.split('-').slice(0, -1).join('-');
      const podHealth =
        pod.phase === 'Ready' ? 'Healthy' : pod.phase === 'Failed' ? 'Degraded' : 'Progressing';
      nodes.push({
        group: 'apps',
        version: 'v1',
        kind: 'ReplicaSet',
        namespace: ns,
        name: rsName,
        uid: `${rsName}-rs`,
        parentRefs: [
          { group: 'apps', kind: 'Deployment', namespace: ns, name: app.name, uid: deployment.uid },
        ],
        info: [{ name: 'Revision', value: `Rev:${pod.revision.slice(0, 7)}` }],
        health: { status: podHealth },
        createdAt: pod.startedAt.slice(0, 19) + 'Z',
      });
      nodes.push({
        version: 'v1',
        kind: 'Pod',
        namespace: ns,
        name: pod.name,
        uid: `${pod.name}-pod`,
        parentRefs: [{ group: 'apps', kind: 'ReplicaSet', namespace: ns, name: rsName, uid: `${rsName}-rs` }],
        info: [
          {
            name: 'Status Reason',
            value:
              pod.phase === 'Failed'
                ? (pod.message.split(':')[0] ?? 'Error')
                : pod.phase === 'Ready'
                  ? 'Running'
                  : pod.message,
          },
          { name: 'Containers', value: pod.phase === 'Ready' ? '1/1' : '0/1' },
        ],
        images: [pod.image],
        health: { status: podHealth, ...(pod.phase === 'Ready' ? {} : { message: pod.message }) },
        createdAt: pod.startedAt.slice(0, 19) + 'Z',
      });
    }
    return { nodes, hosts: [] };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.gitPoll) clearInterval(this.gitPoll);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([...this.apps.values()].map((app) => app.workload.stop()));
  }
}

function parseGoDuration(text: string | undefined, fallbackMs: number): number {
  if (!text) return fallbackMs;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!match) return fallbackMs;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

/** `duration * factor^n`, capped at `maxDuration` (defaults 5s, ×2, 3m). */
function retryBackoffMs(operation: Operation, attempt: number): number {
  const backoff = operation.retry?.backoff ?? {};
  const base = parseGoDuration(backoff.duration, 5000);
  const factor = backoff.factor ?? 2;
  const max = parseGoDuration(backoff.maxDuration, 180_000);
  return Math.min(max, base * factor ** attempt);
}

/** `3:04PM`, as the controller prints retry times. */
function clock(date: Date): string {
  const hours = date.getUTCHours();
  return `${hours % 12 === 0 ? 12 : hours % 12}:${String(date.getUTCMinutes()).padStart(2, '0')}${hours < 12 ? 'AM' : 'PM'}`;
}
