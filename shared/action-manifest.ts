/**
 * action.yml as data: the single source of truth for an action's inputs, outputs and defaults. Read by
 * the engine (to run local actions), the catalog generator and the contract tests.
 * Format: https://docs.github.com/en/actions/sharing-automations/creating-actions/metadata-syntax-for-github-actions
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PavedError } from './errors.js';

export interface ManifestInput {
  name: string;
  description: string;
  required: boolean;
  /** The default as written (YAML scalars are turned into strings, as the runner does). */
  default: string | undefined;
  deprecationMessage: string | undefined;
}

export interface ManifestOutput {
  name: string;
  description: string;
  /** Composite actions map outputs to step outputs. */
  value: string | undefined;
}

export interface ActionManifest {
  /** The file it came from. */
  path: string;
  name: string;
  description: string;
  author: string | undefined;
  inputs: ManifestInput[];
  outputs: ManifestOutput[];
  runs: Record<string, unknown> & { using: string };
  branding: Record<string, string> | undefined;
}

function scalar(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Find action.yml or action.yaml in `dir`. */
export function manifestPath(dir: string): string | undefined {
  for (const file of ['action.yml', 'action.yaml']) {
    const path = join(dir, file);
    if (existsSync(path)) return path;
  }
  return undefined;
}

export function parseActionManifest(text: string, path: string): ActionManifest {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new PavedError(`${path}: not valid YAML: ${(error as Error).message.split('\n')[0]}`, {
      cause: error,
    });
  }
  if (!doc || typeof doc !== 'object')
    throw new PavedError(`${path}: expected a mapping with 'name', 'description' and 'runs'`);
  const raw = doc as Record<string, unknown>;
  const runs = raw['runs'];
  if (!runs || typeof runs !== 'object' || typeof (runs as Record<string, unknown>)['using'] !== 'string') {
    throw new PavedError(`${path}: 'runs.using' is missing`);
  }
  const inputs = Object.entries(
    (raw['inputs'] as Record<string, Record<string, unknown> | null> | undefined) ?? {},
  ).map(([name, spec]) => ({
    name,
    description: scalar(spec?.['description']) ?? '',
    required: spec?.['required'] === true || spec?.['required'] === 'true',
    default: scalar(spec?.['default']),
    deprecationMessage: scalar(spec?.['deprecationMessage']),
  }));
  const outputs = Object.entries(
    (raw['outputs'] as Record<string, Record<string, unknown> | null> | undefined) ?? {},
  ).map(([name, spec]) => ({
    name,
    description: scalar(spec?.['description']) ?? '',
    value: scalar(spec?.['value']),
  }));
  return {
    path,
    name: scalar(raw['name']) ?? '',
    description: scalar(raw['description']) ?? '',
    author: scalar(raw['author']),
    inputs,
    outputs,
    runs: runs as ActionManifest['runs'],
    branding: raw['branding'] as Record<string, string> | undefined,
  };
}

export function loadActionManifest(dir: string): ActionManifest {
  const path = manifestPath(dir);
  if (!path) throw new PavedError(`No action.yml or action.yaml in ${dir}`);
  return parseActionManifest(readFileSync(path, 'utf8'), path);
}
