import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import type { CliIo } from '../../../cli/command.js';
import { runInit } from '../../../cli/init/init.js';
import { terminalAsker } from '../../../cli/init/prompt.js';
import { runCli, version } from '../../../cli/main.js';
import { pavedOrg } from '../../../cli/package.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paved-init-'));
  dirs.push(dir);
  return dir;
}

/** A real git repository with the given files. */
function gitRepo(files: Record<string, string>, branch = 'main'): string {
  const root = tempDir();
  execFileSync('git', ['init', '-q', '-b', branch, root]);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** Every file below root except .git, with its content: what "nothing written" is checked against. */
function snapshot(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[relative(root, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(root);
  return files;
}

async function paved(cwd: string, args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    cwd,
    env: {},
    out: (line) => out.push(...line.split('\n')),
    err: (line) => err.push(line),
    usageError: (message) => {
      err.push(`paved: ${message}`);
      return 2;
    },
    interactive: false,
  };
  const code = await runCli(args, io);
  return { code, out, err };
}

const ANSWERS = [
  '--service',
  'orders',
  '--argocd-app',
  'orders-prod',
  '--gitops-repo',
  'acme/gitops',
  '--gitops-path',
  'apps/orders',
  '--registry',
  'ghcr.io/acme',
  '--slack-channel',
  '#deploys',
  '--paved-org',
  'acme',
];

const GENERATED = [
  '.github/workflows/paved.yml',
  '.github/dependabot.yml',
  '.github/paved.yml',
  'docs/DEPLOY.md',
];

describe('paved init', () => {
  test.each([
    ['node-service', 'package.json', '{ "name": "orders" }\n', 'node'],
    ['python-service', 'pyproject.toml', '[project]\nname = "orders"\n', 'python'],
    ['go-service', 'go.mod', 'module example.com/orders\n', 'go'],
    ['docker-generic', 'Dockerfile', 'FROM scratch\n', 'none'],
  ])(
    '%s: detected from %s, pinned, lint-clean, and a re-run changes nothing',
    async (template, marker, content, toolchain) => {
      const root = gitRepo({ [marker]: content }, 'trunk');
      const first = await paved(root, ['init', ...ANSWERS]);
      expect(first.code).toBe(0);
      expect(first.err).toEqual([`paved init: template ${template} (found ${marker})`]);
      expect(first.out.slice(0, 4)).toEqual(
        GENERATED.map((path) =>
          expect.stringMatching(new RegExp(`^created +${path.replace(/\./g, '\\.')}$`)),
        ),
      );

      const files = snapshot(root);
      const workflow = files['.github/workflows/paved.yml'] as string;
      expect(workflow).toContain(`uses: acme/paved/.github/workflows/pipeline.yml@v${version()}`);
      expect(workflow).toContain(`toolchain: ${toolchain}`);
      expect(workflow).toContain("image: 'ghcr.io/acme/orders'");
      expect(workflow).toContain("slack-channel: '#deploys'");
      expect(workflow).toContain('branches: [trunk]');
      expect(workflow).not.toMatch(/\$[a-z]/); // every placeholder filled
      expect(files['.github/dependabot.yml']).toContain('package-ecosystem: github-actions');
      expect(files['docs/DEPLOY.md']).toContain('ARGOCD_AUTH_TOKEN');
      expect(files['docs/DEPLOY.md']).toContain('orders-prod');

      const lint = await paved(root, ['lint']);
      expect(lint).toEqual({ code: 0, out: [], err: ['paved lint: 1 file checked, no findings'] });

      // No flags the second time: the answers come from .github/paved.yml.
      const second = await paved(root, ['init']);
      expect(second.code).toBe(0);
      expect(second.out).toContain('paved init: everything is up to date');
      expect(snapshot(root)).toEqual(files);
    },
  );

  test('--dry-run prints a unified diff and writes nothing', async () => {
    const root = gitRepo({ 'go.mod': 'module x\n' });
    const before = snapshot(root);
    const result = await paved(root, ['init', '--dry-run', ...ANSWERS]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('--- /dev/null');
    expect(result.out).toContain('+++ b/.github/workflows/paved.yml');
    expect(result.out).toContain('+    uses: acme/paved/.github/workflows/pipeline.yml@v' + version());
    expect(result.out.filter((line) => line.startsWith('@@ -0,0 +1,'))).toHaveLength(4);
    expect(result.err.at(-1)).toBe('paved init: dry run, nothing written');
    expect(snapshot(root)).toEqual(before);
  });

  test('a changed answer updates files nobody edited; the dry run shows just that change', async () => {
    const root = gitRepo({ 'package.json': '{}\n' });
    expect((await paved(root, ['init', ...ANSWERS])).code).toBe(0);
    const dry = await paved(root, ['init', '--dry-run', '--slack-channel', '#releases']);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain("-      slack-channel: '#deploys'");
    expect(dry.out).toContain("+      slack-channel: '#releases'");
    const result = await paved(root, ['init', '--slack-channel', '#releases']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('updated   .github/workflows/paved.yml');
    expect(result.out).toContain('unchanged .github/dependabot.yml');
    expect(readFileSync(join(root, '.github/workflows/paved.yml'), 'utf8')).toContain(
      "slack-channel: '#releases'",
    );
  });

  test('an edited file is refused, with nothing written, until --force', async () => {
    const root = gitRepo({ 'package.json': '{}\n' });
    expect((await paved(root, ['init', ...ANSWERS])).code).toBe(0);
    const workflowPath = join(root, '.github/workflows/paved.yml');
    writeFileSync(
      workflowPath,
      readFileSync(workflowPath, 'utf8').replace(
        'workflow_dispatch:',
        'workflow_dispatch:\n  schedule:\n    - cron: "0 6 * * 1"',
      ),
    );
    const edited = snapshot(root);

    const refused = await paved(root, ['init', '--slack-channel', '#releases']);
    expect(refused.code).toBe(1);
    expect(refused.err).toEqual([
      'paved init: .github/workflows/paved.yml was edited after paved init wrote it (it no longer matches the paved-init-sha256 in its header); keep your edits, or run again with --force to overwrite',
    ]);
    expect(snapshot(root)).toEqual(edited); // not even the unedited files changed

    const forced = await paved(root, ['init', '--force', '--slack-channel', '#releases']);
    expect(forced.code).toBe(0);
    expect(forced.out).toContain('overwrote .github/workflows/paved.yml');
    const workflow = readFileSync(workflowPath, 'utf8');
    expect(workflow).not.toContain('cron');
    expect(workflow).toContain("slack-channel: '#releases'");
    expect((await paved(root, ['init'])).out).toContain('paved init: everything is up to date');
  });

  test('runner labels added to .github/paved.yml are kept, not treated as an edit to refuse', async () => {
    const root = gitRepo({ 'package.json': '{}\n' });
    expect((await paved(root, ['init', ...ANSWERS])).code).toBe(0);
    const settingsPath = join(root, '.github/paved.yml');
    writeFileSync(
      settingsPath,
      readFileSync(settingsPath, 'utf8').replace('runner-labels: []', 'runner-labels:\n    - gpu-large'),
    );
    const before = snapshot(root);
    const again = await paved(root, ['init']);
    expect(again.code).toBe(0);
    expect(again.out).toContain('unchanged .github/paved.yml');
    expect(snapshot(root)).toEqual(before);
  });

  test('--dry-run with an edited file shows the diff, refuses, and writes nothing', async () => {
    const root = gitRepo({ 'package.json': '{}\n' });
    expect((await paved(root, ['init', ...ANSWERS])).code).toBe(0);
    const docPath = join(root, 'docs/DEPLOY.md');
    writeFileSync(docPath, `${readFileSync(docPath, 'utf8')}\nOn-call: #orders-oncall\n`);
    const before = snapshot(root);
    const result = await paved(root, ['init', '--dry-run', '--service', 'orders-api']);
    expect(result.code).toBe(1);
    expect(result.out).toContain('--- a/docs/DEPLOY.md');
    expect(result.out).toContain('-On-call: #orders-oncall');
    expect(result.err).toEqual([
      expect.stringMatching(
        /^paved init: docs\/DEPLOY\.md was edited after paved init wrote it .* \(dry run: nothing written\)$/,
      ),
    ]);
    expect(snapshot(root)).toEqual(before);
  });

  test('a workflow paved init did not write is not overwritten', async () => {
    const root = gitRepo({ 'package.json': '{}\n', '.github/workflows/paved.yml': 'name: mine\n' });
    const result = await paved(root, ['init', ...ANSWERS]);
    expect(result.code).toBe(1);
    expect(result.err[0]).toContain(
      '.github/workflows/paved.yml already exists and was not written by paved init',
    );
    expect(snapshot(root)).toEqual({ 'package.json': '{}\n', '.github/workflows/paved.yml': 'name: mine\n' });
  });

  test("someone's dependabot.yml is merged, keeping their entries and comments, once", async () => {
    const theirs =
      '# our bots\nversion: 2\nupdates:\n  - package-ecosystem: npm # app deps\n    directory: /\n    schedule:\n      interval: daily\n';
    const root = gitRepo({ 'package.json': '{}\n', '.github/dependabot.yml': theirs });
    const result = await paved(root, ['init', ...ANSWERS]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('merged    .github/dependabot.yml');
    const merged = readFileSync(join(root, '.github/dependabot.yml'), 'utf8');
    expect(merged.startsWith(theirs)).toBe(true);
    expect(merged.slice(theirs.length)).toBe(
      '  - package-ecosystem: github-actions\n    directory: /\n    schedule:\n      interval: weekly\n',
    );
    expect((await paved(root, ['init'])).out).toContain('unchanged .github/dependabot.yml');
    expect(readFileSync(join(root, '.github/dependabot.yml'), 'utf8')).toBe(merged);
  });

  test('a dependabot.yml that already updates github-actions is left alone', async () => {
    const theirs =
      'version: 2\nupdates:\n  - package-ecosystem: "github-actions"\n    directory: "/"\n    schedule: { interval: monthly }\n';
    const root = gitRepo({ 'package.json': '{}\n', '.github/dependabot.yml': theirs });
    expect((await paved(root, ['init', ...ANSWERS])).out).toContain('unchanged .github/dependabot.yml');
    expect(readFileSync(join(root, '.github/dependabot.yml'), 'utf8')).toBe(theirs);
  });

  /** paved init on a terminal typing `answers`; what it asked, and its exit code. */
  async function onTerminal(root: string, answers: string): Promise<{ code: number; asked: string }> {
    const input = new PassThrough();
    const output = new PassThrough();
    let asked = '';
    output.on('data', (chunk: Buffer) => (asked += chunk.toString()));
    input.end(answers);
    const io: CliIo = {
      cwd: root,
      env: {},
      out: () => undefined,
      err: () => undefined,
      usageError: () => 2,
      interactive: true,
    };
    const code = await runInit(
      { dir: '.', flags: {}, dryRun: false, force: false },
      io,
      terminalAsker(input, output),
    );
    return { code, asked };
  }

  test('on a terminal, missing values are asked for with suggestions', async () => {
    const root = gitRepo({ 'go.mod': 'module x\n' });
    // service, argocd-app (suggested), gitops-repo, gitops-path (suggested), registry, slack channel;
    // the Paved owner comes from package.json's repository; an empty Vault URL keeps repository secrets
    const { code, asked } = await onTerminal(root, 'orders\n\nacme/gitops\n\nghcr.io/acme\n#deploys\n\n');
    expect(code).toBe(0);
    expect(asked).toContain('Argo CD application [orders]: ');
    expect(asked).toContain('Path in the GitOps repository [apps/orders]: ');
    expect(parse(readFileSync(join(root, '.github/paved.yml'), 'utf8'))).toMatchObject({
      org: pavedOrg(),
      template: 'go-service',
      service: 'orders',
      'argocd-app': 'orders',
      'gitops-repo': 'acme/gitops',
      'gitops-path': 'apps/orders',
      registry: 'ghcr.io/acme',
      'slack-channel': '#deploys',
    });
    expect(asked).toContain('Vault URL for the deploy secrets (empty: repository secrets): ');
    expect(asked).not.toContain('Vault role');
    expect(parse(readFileSync(join(root, '.github/paved.yml'), 'utf8'))).not.toHaveProperty('vault-url');
  });

  test('on a terminal, a Vault URL is followed by its role and both land in the settings', async () => {
    const root = gitRepo({ 'go.mod': 'module x\n' });
    // the first role is refused (a '/'), the second taken
    const { code, asked } = await onTerminal(
      root,
      'orders\n\nacme/gitops\n\nghcr.io/acme\n#deploys\nhttps://vault.example.com\nteam/deploy\npaved-deploy\n',
    );
    expect(code).toBe(0);
    expect(asked).toContain(`invalid --vault-role "team/deploy"`);
    expect(parse(readFileSync(join(root, '.github/paved.yml'), 'utf8'))).toMatchObject({
      'vault-url': 'https://vault.example.com',
      'vault-role': 'paved-deploy',
    });
  });

  test('--vault-url/--vault-role: the caller passes them, grants id-token: write, passes no secrets, stays lint-clean', async () => {
    const root = gitRepo({ 'package.json': '{}\n' });
    const vault = ['--vault-url', 'https://vault.example.com:8200', '--vault-role', 'paved-deploy'];
    const first = await paved(root, ['init', ...ANSWERS, ...vault]);
    expect(first.code).toBe(0);
    expect(first.out.at(-1)).toBe(
      "Next: let the Vault role paved-deploy at https://vault.example.com:8200 read the pipeline's secrets (see docs/DEPLOY.md), then commit and push.",
    );
    const files = snapshot(root);
    const workflow = parse(files['.github/workflows/paved.yml'] as string) as {
      jobs: {
        pipeline: { with: Record<string, string>; permissions: Record<string, string>; secrets?: unknown };
      };
    };
    const job = workflow.jobs.pipeline;
    expect(job.with['vault-url']).toBe('https://vault.example.com:8200');
    expect(job.with['vault-role']).toBe('paved-deploy');
    expect(job.with['service']).toBe('orders');
    expect(job.permissions['id-token']).toBe('write');
    expect(job.secrets).toBeUndefined();
    expect(files['.github/workflows/paved.yml']).not.toContain('secrets.');
    expect(files['docs/DEPLOY.md']).toContain('logs in to Vault at https://vault.example.com:8200');
    expect(files['docs/DEPLOY.md']).not.toContain('ARGOCD_AUTH_TOKEN');
    expect(parse(files['.github/paved.yml'] as string)).toMatchObject({
      'vault-url': 'https://vault.example.com:8200',
      'vault-role': 'paved-deploy',
    });

    expect(await paved(root, ['lint'])).toEqual({
      code: 0,
      out: [],
      err: ['paved lint: 1 file checked, no findings'],
    });
    // The settings remember Vault: a re-run without flags changes nothing.
    expect((await paved(root, ['init'])).out).toContain('paved init: everything is up to date');
    expect(snapshot(root)).toEqual(files);
  });

  describe('bad input: one line on stderr, exit 2, nothing written', () => {
    const cases: Array<{ name: string; setup: () => { cwd: string; args: string[] }; message: RegExp }> = [
      {
        name: 'not a git repository',
        setup: () => {
          const dir = tempDir();
          writeFileSync(join(dir, 'package.json'), '{}\n');
          return { cwd: dir, args: ['init', ...ANSWERS] };
        },
        message: /^paved init: \/.+ is not inside a git repository; run 'git init' there first/,
      },
      {
        name: 'directory that does not exist',
        setup: () => ({ cwd: gitRepo({ 'package.json': '{}\n' }), args: ['init', 'nowhere', ...ANSWERS] }),
        message: /^paved init: nowhere: no such directory$/,
      },
      {
        name: 'a file instead of a directory',
        setup: () => ({
          cwd: gitRepo({ 'package.json': '{}\n' }),
          args: ['init', 'package.json', ...ANSWERS],
        }),
        message: /^paved init: package.json is a file; pass the repository's directory$/,
      },
      {
        name: 'unknown template',
        setup: () => ({
          cwd: gitRepo({ 'package.json': '{}\n' }),
          args: ['init', '--template', 'rust-service', ...ANSWERS],
        }),
        message:
          /^paved init: unknown template "rust-service": choose one of node-service, python-service, go-service, docker-generic$/,
      },
      {
        name: 'invalid service name',
        setup: () => ({
          cwd: gitRepo({ 'package.json': '{}\n' }),
          args: ['init', ...ANSWERS, '--service', 'Orders_API'],
        }),
        message:
          /^paved init: invalid service name "Orders_API": use a DNS-1123 label \(lower-case letters, digits and '-'/,
      },
      {
        name: 'invalid registry',
        setup: () => ({
          cwd: gitRepo({ 'package.json': '{}\n' }),
          args: ['init', ...ANSWERS, '--registry', 'https://ghcr.io/acme'],
        }),
        message: /^paved init: invalid registry "https:\/\/ghcr.io\/acme": use host\[:port\]\[\/namespace\]/,
      },
      {
        name: 'missing values without a terminal',
        setup: () => ({
          cwd: gitRepo({ 'package.json': '{}\n' }),
          args: ['init', '--service', 'orders', '--paved-org', 'acme'],
        }),
        message:
          /^paved init: missing --argocd-app, --gitops-repo, --gitops-path, --registry, --slack-channel: stdin is not a terminal, so paved init cannot ask; pass them as flags/,
      },
      {
        name: 'nothing to detect a toolchain from',
        setup: () => ({ cwd: gitRepo({ 'README.md': '# x\n' }), args: ['init', ...ANSWERS] }),
        message:
          /^paved init: cannot tell what kind of service .* holds .*; pass --template node-service\|python-service\|go-service\|docker-generic$/,
      },
      {
        name: 'a dependabot.yml that is not YAML',
        setup: () => ({
          cwd: gitRepo({ 'package.json': '{}\n', '.github/dependabot.yml': 'updates: [\n' }),
          args: ['init', ...ANSWERS],
        }),
        message: /^paved init: \.github\/dependabot\.yml is not valid YAML/,
      },
      {
        name: 'a Vault URL that is not http(s)',
        setup: () => ({
          cwd: gitRepo({ 'package.json': '{}\n' }),
          args: ['init', ...ANSWERS, '--vault-url', 'vault.example.com:8200', '--vault-role', 'paved-deploy'],
        }),
        message:
          /^paved init: invalid --vault-url "vault\.example\.com:8200": use the http\(s\) address of Vault without credentials, query or fragment, e\.g\. https:\/\/vault\.example\.com:8200$/,
      },
      {
        name: 'a Vault role with a slash',
        setup: () => ({
          cwd: gitRepo({ 'package.json': '{}\n' }),
          args: [
            'init',
            ...ANSWERS,
            '--vault-url',
            'https://vault.example.com',
            '--vault-role',
            'team/deploy',
          ],
        }),
        message: /^paved init: invalid --vault-role "team\/deploy": use a Vault role name \(letters, digits/,
      },
      {
        name: 'a Vault URL without its role',
        setup: () => ({
          cwd: gitRepo({ 'package.json': '{}\n' }),
          args: ['init', ...ANSWERS, '--vault-url', 'https://vault.example.com'],
        }),
        message:
          /^paved init: --vault-url "https:\/\/vault\.example\.com" needs --vault-role too: pass both \(the pipeline reads the Argo CD, GitOps and Slack secrets from Vault\) or neither \(repository secrets\)$/,
      },
      {
        name: 'unknown option',
        setup: () => ({ cwd: gitRepo({ 'package.json': '{}\n' }), args: ['init', '--colour', ...ANSWERS] }),
        message: /^paved init: unknown option "--colour"/,
      },
    ];
    test.each(cases)('$name', async (c) => {
      const { cwd, args } = c.setup();
      const before = snapshot(cwd);
      const result = await paved(cwd, args);
      expect(result.code).toBe(2);
      expect(result.out).toEqual([]);
      expect(result.err).toHaveLength(1);
      expect(result.err[0]).toMatch(c.message);
      expect(snapshot(cwd)).toEqual(before);
    });
  });
});
