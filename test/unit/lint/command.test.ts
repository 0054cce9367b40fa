import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { CliIo } from '../../../cli/command.js';
import { runCli } from '../../../cli/main.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary repository (it has .git, so .github/paved.yml is found) with the given files. */
function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'paved-lint-'));
  dirs.push(root);
  mkdirSync(join(root, '.git'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function run(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    cwd,
    env,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    usageError: (message) => {
      err.push(`paved: ${message}`);
      return 2;
    },
    interactive: false,
  };
  const code = await runCli(['lint', ...args], io);
  return { code, out, err };
}

const CLEAN =
  'on: push\npermissions:\n  contents: read\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n';
const PAVED_CALL =
  'on: push\npermissions: {}\njobs:\n  a:\n    uses: acme/paved/.github/workflows/pipeline.yml@v1.4.0\n';

describe('paved lint', () => {
  test('findings as file:line:col: rule: message, exit 1', async () => {
    const root = repo({
      '.github/workflows/ci.yml': CLEAN.replace('- run: make', '- uses: actions/checkout@v4'),
    });
    const result = await run(root, []);
    expect(result.code).toBe(1);
    expect(result.out).toHaveLength(1);
    expect(result.out[0]).toMatch(
      /^\.github\/workflows\/ci\.yml:8:32: unpinned-action: "actions\/checkout@v4" follows "v4"/,
    );
    expect(result.err).toEqual([
      'paved lint: 1 finding in 1 file checked (paved lint --rules lists every rule)',
    ]);
  });

  test('clean files exit 0; the defaults cover .github/workflows and workflows-templates, and action.yml below a given directory', async () => {
    const root = repo({
      '.github/workflows/ci.yml': CLEAN,
      'workflows-templates/starter.yml': CLEAN,
      'actions/greet/action.yml':
        'name: greet\ndescription: say hi\nruns:\n  using: composite\n  steps:\n    - run: echo hi\n      shell: bash\n',
    });
    expect(await run(root, [])).toEqual({
      code: 0,
      out: [],
      err: ['paved lint: 2 files checked, no findings'],
    });
    expect((await run(root, ['actions'])).err).toEqual(['paved lint: 1 file checked, no findings']);
  });

  test("Paved's owner comes from .github/paved.yml, --paved-org or PAVED_ORG", async () => {
    const untrusted = repo({ '.github/workflows/ci.yml': PAVED_CALL });
    expect((await run(untrusted, [])).code).toBe(1);
    expect((await run(untrusted, ['--paved-org', 'acme'])).code).toBe(0);
    expect((await run(untrusted, [], { PAVED_ORG: 'other, acme' })).code).toBe(0);
    const configured = repo({ '.github/workflows/ci.yml': PAVED_CALL, '.github/paved.yml': 'org: acme\n' });
    expect((await run(configured, [])).code).toBe(0);
  });

  test('--format github prints workflow-command annotations', async () => {
    const root = repo({ 'ci.yml': CLEAN.replace('- run: make', '- uses: actions/checkout@v4') });
    const result = await run(root, ['--format', 'github', 'ci.yml']);
    expect(result.code).toBe(1);
    expect(result.out[0]).toMatch(
      /^::error file=ci\.yml,line=8,col=32,title=unpinned-action::"actions\/checkout@v4" follows/,
    );
  });

  test.each([
    [['missing.yml'], 'paved: missing.yml: no such file or directory'],
    [['--bogus'], 'paved: unknown option "--bogus" for paved lint'],
    [['--format', 'xml'], 'paved: --format must be text or github; got "xml"'],
    [['--paved-org'], 'paved: --paved-org needs a value'],
  ])('usage error %j exits 2', async (args, message) => {
    const root = repo({ '.github/workflows/ci.yml': CLEAN });
    const result = await run(root, args);
    expect(result.code).toBe(2);
    expect(result.err[0]).toBe(message);
  });

  test('nothing to lint is a usage error', async () => {
    const root = repo({ 'README.md': '# x\n' });
    const result = await run(root, []);
    expect(result.code).toBe(2);
    expect(result.err[0]).toMatch(
      /nothing to lint: neither \.github\/workflows nor workflows-templates exists here/,
    );
  });

  test('--rules lists the rules and exits 0', async () => {
    const result = await run(repo({}), ['--rules']);
    expect(result.code).toBe(0);
    const ids = result.out.map((line) => line.split(/\s+/)[0]);
    for (const id of [
      'schema',
      'untrusted-input',
      'unpinned-action',
      'missing-permissions',
      'write-all-permissions',
      'read-all-permissions',
      'permission-not-granted',
      'permission-not-used',
      'pull-request-target-checkout',
      'secret-echo',
      'secret-to-unpinned-action',
    ]) {
      expect(ids).toContain(id);
    }
  });
});
