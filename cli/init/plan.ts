/**
 * Deciding, before anything is written, what happens to each file: created, updated (nobody edited
 * it), merged (someone's Dependabot config), left unchanged, or refused (edited since paved init
 * wrote it, or not written by paved init at all) unless --force.
 */
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { bodyOf, headerState } from './header.js';

export type FileAction = 'create' | 'update' | 'merge' | 'unchanged' | 'overwrite' | 'refuse';

export interface PlannedFile {
  /** Relative to the repository root, with '/' separators. */
  path: string;
  action: FileAction;
  before: string | undefined;
  after: string;
  /** For refuse/overwrite: why the file is not paved init's to change. */
  reason?: string;
}

/** Same settings whatever the formatting: paved.yml is the one file people are invited to edit. */
function sameData(a: string, b: string): boolean {
  try {
    return isDeepStrictEqual(parse(bodyOf(a)), parse(bodyOf(b)));
  } catch {
    return false;
  }
}

export function planOwnedFile(
  path: string,
  existing: string | undefined,
  proposed: string,
  force: boolean,
  compareData = false,
): PlannedFile {
  if (existing === undefined) return { path, action: 'create', before: undefined, after: proposed };
  if (existing === proposed || (compareData && sameData(existing, proposed)))
    return { path, action: 'unchanged', before: existing, after: existing };
  const state = headerState(existing);
  if (state === 'untouched') return { path, action: 'update', before: existing, after: proposed };
  const reason =
    state === 'edited'
      ? `${path} was edited after paved init wrote it (it no longer matches the paved-init-sha256 in its header)`
      : `${path} already exists and was not written by paved init`;
  return { path, action: force ? 'overwrite' : 'refuse', before: existing, after: proposed, reason };
}
