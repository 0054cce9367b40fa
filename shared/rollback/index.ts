/**
 * Rolling an Argo CD application back (strategies `argocd` and `git-revert`), shared by the
 * `health-check` and `rollback` actions.
 */
export * from './target.js';
export * from './perform.js';
export * from './confirm.js';
