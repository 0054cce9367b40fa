/**
 * The parts of Argo CD's REST model (swagger `v1alpha1*`, `application*`) that Paved reads and writes.
 * Field names are the Go `json:` tags; int64 values are JSON numbers (grpc-gateway v1 with encoding/json,
 * see shared/argocd/API-NOTES.md §0). Everything optional is optional because Argo CD omits empty fields.
 */

export type SyncStatusCode = 'Synced' | 'OutOfSync' | 'Unknown';
export type HealthStatusCode = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';
export type OperationPhase = 'Running' | 'Terminating' | 'Failed' | 'Error' | 'Succeeded';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  resourceVersion?: string;
  uid?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface HelmParameter {
  name: string;
  value: string;
  forceString?: boolean;
}

export interface ApplicationSource {
  repoURL: string;
  path?: string;
  targetRevision?: string;
  chart?: string;
  ref?: string;
  name?: string;
  kustomize?: { images?: string[]; namePrefix?: string; nameSuffix?: string; [key: string]: unknown };
  helm?: {
    parameters?: HelmParameter[];
    valueFiles?: string[];
    values?: string;
    releaseName?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface RetryStrategy {
  limit?: number;
  refresh?: boolean;
  backoff?: { duration?: string; factor?: number; maxDuration?: string };
}

export interface SyncPolicy {
  automated?: { prune?: boolean; selfHeal?: boolean; allowEmpty?: boolean; enabled?: boolean };
  syncOptions?: string[];
  retry?: RetryStrategy;
}

export interface ApplicationSpec {
  project: string;
  source?: ApplicationSource;
  sources?: ApplicationSource[];
  destination: { server?: string; namespace?: string; name?: string };
  syncPolicy?: SyncPolicy;
  revisionHistoryLimit?: number;
  [key: string]: unknown;
}

export interface OperationInitiator {
  username?: string;
  automated?: boolean;
}

export interface SyncOperation {
  revision?: string;
  revisions?: string[];
  prune?: boolean;
  dryRun?: boolean;
  source?: ApplicationSource;
  sources?: ApplicationSource[];
  syncOptions?: string[];
  resources?: SyncOperationResource[];
  syncStrategy?: Record<string, unknown>;
}

export interface Operation {
  sync?: SyncOperation;
  initiatedBy?: OperationInitiator;
  info?: { name: string; value: string }[];
  retry?: RetryStrategy;
}

export interface ResourceResult {
  group?: string;
  version?: string;
  kind: string;
  namespace?: string;
  name: string;
  status?: string;
  message?: string;
  hookPhase?: string;
  syncPhase?: string;
  images?: string[];
}

export interface OperationState {
  operation: Operation;
  phase: OperationPhase;
  message?: string;
  startedAt: string;
  finishedAt?: string;
  retryCount?: number;
  syncResult?: {
    revision: string;
    revisions?: string[];
    source?: ApplicationSource;
    resources?: ResourceResult[];
  };
}

export interface RevisionHistory {
  id: number;
  revision?: string;
  revisions?: string[];
  deployedAt: string;
  deployStartedAt?: string;
  source?: ApplicationSource;
  sources?: ApplicationSource[];
  initiatedBy?: OperationInitiator;
}

export interface HealthStatus {
  status?: HealthStatusCode | string;
  message?: string;
  lastTransitionTime?: string;
}

export interface ResourceStatus {
  group?: string;
  version?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  status?: string;
  health?: HealthStatus;
  hook?: boolean;
  requiresPruning?: boolean;
}

export interface ApplicationCondition {
  type: string;
  message: string;
  lastTransitionTime?: string;
}

export interface ApplicationStatus {
  sync?: {
    status: SyncStatusCode | string;
    revision?: string;
    revisions?: string[];
    comparedTo?: Record<string, unknown>;
  };
  health?: HealthStatus;
  operationState?: OperationState;
  history?: RevisionHistory[];
  summary?: { images?: string[]; externalURLs?: string[] };
  conditions?: ApplicationCondition[];
  resources?: ResourceStatus[];
  reconciledAt?: string;
  observedAt?: string;
  sourceType?: string;
  sourceTypes?: string[];
  controllerNamespace?: string;
}

export interface Application {
  metadata: ObjectMeta;
  spec: ApplicationSpec;
  operation?: Operation;
  status?: ApplicationStatus;
}

export interface ApplicationList {
  metadata?: { resourceVersion?: string };
  items: Application[] | null;
}

export interface ResourceRef {
  group?: string;
  version?: string;
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
}

export interface ResourceNode extends ResourceRef {
  parentRefs?: ResourceRef[];
  info?: { name: string; value: string }[];
  networkingInfo?: Record<string, unknown>;
  resourceVersion?: string;
  images?: string[];
  health?: HealthStatus;
  createdAt?: string;
}

export interface ApplicationTree {
  nodes?: ResourceNode[];
  orphanedNodes?: ResourceNode[];
  hosts?: unknown[];
  shardsCount?: number;
}

export interface SyncOperationResource {
  group?: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** Body of POST /api/v1/applications/{name}/sync. Note `syncOptions` is an object with `items`. */
export interface SyncRequest {
  name?: string;
  appNamespace?: string;
  project?: string;
  revision?: string;
  revisions?: string[];
  sourcePositions?: number[];
  prune?: boolean;
  dryRun?: boolean;
  strategy?: { apply?: { force?: boolean }; hook?: { syncStrategyApply?: { force?: boolean } } };
  resources?: SyncOperationResource[];
  syncOptions?: { items: string[] };
  retryStrategy?: RetryStrategy;
  manifests?: string[];
  infos?: { name: string; value: string }[];
}

export interface RollbackRequest {
  name?: string;
  id: number;
  dryRun?: boolean;
  prune?: boolean;
  appNamespace?: string;
  project?: string;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  application: Application;
}

/** grpc-gateway's unary error body (`runtimeError`). */
export interface RuntimeError {
  error?: string;
  code?: number;
  message?: string;
  details?: unknown[];
}

/** grpc-gateway's in-stream error (`runtimeStreamError`). */
export interface RuntimeStreamError {
  grpc_code?: number;
  http_code?: number;
  message?: string;
  http_status?: string;
  details?: unknown[];
}

/** gRPC status codes used by Argo CD's API (google.golang.org/grpc/codes). */
export const GrpcCode = {
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  FailedPrecondition: 9,
  Aborted: 10,
  Internal: 13,
  Unavailable: 14,
  Unauthenticated: 16,
} as const;

/** HTTP status grpc-gateway v1 answers for a gRPC code (`runtime.HTTPStatusFromCode`). */
export function httpStatusForGrpcCode(code: number): number {
  switch (code) {
    case GrpcCode.InvalidArgument:
    case GrpcCode.FailedPrecondition:
      return 400;
    case GrpcCode.NotFound:
      return 404;
    case GrpcCode.AlreadyExists:
    case GrpcCode.Aborted:
      return 409;
    case GrpcCode.PermissionDenied:
      return 403;
    case GrpcCode.Unauthenticated:
      return 401;
    case GrpcCode.Unavailable:
      return 503;
    case GrpcCode.DeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

/** Whether automated sync is on: `automated` present and not explicitly `enabled: false` (types.go IsAutomatedSyncEnabled). */
export function isAutoSyncEnabled(spec: ApplicationSpec): boolean {
  const automated = spec.syncPolicy?.automated;
  return automated !== undefined && automated !== null && automated.enabled !== false;
}

/** Operation phases after which nothing more happens to an operation. */
export function isCompletedPhase(phase: string | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Error';
}
