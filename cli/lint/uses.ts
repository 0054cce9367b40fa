/** Reading a `uses:` reference and deciding whether it is pinned. */
import { VERSION_PLACEHOLDER } from '../settings.js';
import type { LintConfig } from './config.js';

export type UsesRef =
  | { kind: 'local' }
  | { kind: 'docker'; image: string; pinned: boolean }
  | {
      kind: 'remote';
      /** `owner/repo` */
      repository: string;
      /** Path inside the repository, '' for the root action. */
      path: string;
      ref: string;
      /** Index of the ref's first character in the `uses:` value. */
      refIndex: number;
      /** Whether this is one of Paved's own actions or reusable workflows from a trusted owner. */
      paved: boolean;
      /** Why the reference is not an acceptable pin, or undefined when it is. */
      problem: string | undefined;
    }
  | { kind: 'malformed' };

const FULL_SHA = /^[0-9a-f]{40}$/i;
const SHORT_SHA = /^[0-9a-f]{7,39}$/i;
const RELEASE_TAG = /^v\d+(\.\d+){0,2}$/;
const DIGEST = /@sha256:[0-9a-f]{64}$/;

export function classifyUses(value: string, config: LintConfig): UsesRef {
  const uses = value.trim();
  if (uses.startsWith('./') || uses.startsWith('../')) return { kind: 'local' };
  if (uses.startsWith('docker://'))
    return { kind: 'docker', image: uses.slice('docker://'.length), pinned: DIGEST.test(uses) };
  const at = uses.lastIndexOf('@');
  if (at <= 0 || at === uses.length - 1) return { kind: 'malformed' };
  const [owner, repo, ...rest] = uses.slice(0, at).split('/');
  if (!owner || !repo) return { kind: 'malformed' };
  const ref = uses.slice(at + 1);
  const path = rest.join('/');
  const repository = `${owner}/${repo}`;
  const paved =
    config.pavedOrgs.has(owner.toLowerCase()) &&
    repo.toLowerCase() === 'paved' &&
    (path.startsWith('actions/') || path.startsWith('.github/workflows/'));
  let problem: string | undefined;
  if (FULL_SHA.test(ref)) problem = undefined;
  else if (paved) {
    problem =
      RELEASE_TAG.test(ref) || ref === VERSION_PLACEHOLDER
        ? undefined
        : `Paved's own ${path.startsWith('actions/') ? 'actions' : 'workflows'} must be referenced by a release tag like v1.2.3 or a full commit SHA; "${ref}" moves whenever someone pushes to it`;
  } else if (SHORT_SHA.test(ref)) {
    problem = `"${ref}" is a short commit SHA, which can become ambiguous; pin the full 40-character SHA of ${repository}`;
  } else {
    problem = `"${uses}" follows "${ref}", which the owner of ${repository} can point at different code at any time; pin the full 40-character commit SHA (uses: ${uses.slice(0, at)}@<sha> # ${ref}) and let Dependabot propose updates`;
  }
  return {
    kind: 'remote',
    repository,
    path,
    ref,
    refIndex: value.length - value.trimStart().length + at + 1,
    paved,
    problem,
  };
}

/** Whether secrets handed to this reference go to code nobody reviewed at a fixed revision. */
export function isUnpinned(ref: UsesRef): boolean {
  return (ref.kind === 'docker' && !ref.pinned) || (ref.kind === 'remote' && ref.problem !== undefined);
}
