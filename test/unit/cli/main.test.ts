import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli, version } from '../../../cli/main.js';
import type { CliIo } from '../../../cli/command.js';
import { renderCatalog } from '../../../cli/catalog.js';

function io(cwd = process.cwd()) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    cwd,
    env: {},
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    usageError: (m) => {
      err.push(`paved: ${m}`);
      return 2;
    },
    interactive: false,
  };
  return { value, out, err };
}

describe('paved', () => {
  test('--version is package.json version', async () => {
    const c = io();
    expect(await runCli(['--version'], c.value)).toBe(0);
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../package.json'), 'utf8')) as {
      version: string;
    };
    expect(c.out).toEqual([pkg.version]);
    expect(version()).toBe(pkg.version);
  });
  test('--help lists the commands', async () => {
    const c = io();
    expect(await runCli(['--help'], c.value)).toBe(0);
    expect(c.out.join('\n')).toMatch(/paved catalog/);
  });
  test('an unknown command is a usage error (exit 2) that lists the commands', async () => {
    const c = io();
    expect(await runCli(['deploy'], c.value)).toBe(2);
    expect(c.err[0]).toMatch(/^paved: unknown command "deploy"; commands: .*catalog/);
  });
  test('the demo is a command with its own usage (it runs in test/e2e/demo)', async () => {
    const c = io();
    expect(await runCli(['demo', '--no-such-flag'], c.value)).toBe(2);
    expect(c.err.join('\n')).toContain('usage: paved demo [--keep-sandbox] [--dir DIR]');
  });
});

describe('catalog', () => {
  const root = mkdtempSync(join(tmpdir(), 'paved-catalog-'));
  mkdirSync(join(root, 'actions', 'hello'), { recursive: true });
  writeFileSync(
    join(root, 'actions', 'hello', 'action.yml'),
    [
      'name: hello',
      'description: Says hello.',
      'inputs:',
      '  who:',
      '    description: |',
      '      Who to greet,',
      '      by name. A | pipe.',
      '    required: true',
      '  loud:',
      '    description: Shout.',
      '    default: false',
      'outputs:',
      '  greeting:',
      '    description: What was said.',
      'runs:',
      '  using: node24',
      '  main: ../../dist/hello/index.js',
    ].join('\n'),
  );
  writeFileSync(join(root, 'actions', 'hello', 'catalog-notes.md'), '### Differences\n\nNone.\n');

  test('renders description, inputs, outputs, usage and notes', () => {
    const text = renderCatalog(root);
    expect(text).toContain('| [hello](#hello) | Says hello. |');
    expect(text).toContain('| `who` | yes |  | Who to greet, by name. A \\| pipe. |');
    expect(text).toContain('| `loud` | no | `false` | Shout. |');
    expect(text).toContain('| `greeting` | What was said. |');
    expect(text).toContain(
      '- uses: <org>/paved/actions/hello@v1\n  with:\n    who: # Who to greet, by name. A | pipe.',
    );
    expect(text).toContain('### Differences');
  });

  test('--check fails on a stale file and passes after --write', async () => {
    const c = io(root);
    writeFileSync(join(root, 'action-catalog.md'), 'old');
    expect(await runCli(['catalog', '--check'], c.value)).toBe(1);
    expect(await runCli(['catalog', '--write'], c.value)).toBe(0);
    expect(await runCli(['catalog', '--check'], c.value)).toBe(0);
  });
});
