import { isAbsolute, relative, resolve } from 'node:path';
import { InputError } from '../../../shared/errors.js';
import { InputReader } from '../../../shared/inputs.js';
import { parseCommandLine } from './command-line.js';
import { TOOLCHAINS, type Argv, type ToolchainInput } from './detect.js';

export interface Inputs {
  /** Absolute. */
  readonly workingDirectory: string;
  readonly toolchain: ToolchainInput;
  /** undefined: detected; []: skipped. */
  readonly installCommand: Argv[] | undefined;
  readonly buildCommand: Argv[] | undefined;
  readonly cache: boolean;
  readonly saveOnFailure: boolean;
}

function command(reader: InputReader, name: 'install-command' | 'build-command'): Argv[] | undefined {
  const value = reader.string(name, { trim: false });
  if (value === undefined || value.trim() === '') return undefined;
  if (value.trim() === 'skip') return [];
  return parseCommandLine(name, value);
}

export function getInputs(
  reader = new InputReader(),
  workspace = process.env['GITHUB_WORKSPACE'] ?? process.cwd(),
): Inputs {
  const dir = reader.string('working-directory', { default: '.' });
  const workingDirectory = isAbsolute(dir) ? dir : resolve(workspace, dir);
  if (relative(workspace, workingDirectory).startsWith('..')) {
    throw InputError.invalid('working-directory', dir, 'a folder inside the workspace, like "services/api"');
  }
  return {
    workingDirectory,
    toolchain: reader.enum('toolchain', TOOLCHAINS, { default: 'auto' }),
    installCommand: command(reader, 'install-command'),
    buildCommand: command(reader, 'build-command'),
    cache: reader.boolean('cache', { default: true }),
    saveOnFailure: reader.boolean('save-on-failure', { default: true }),
  };
}
