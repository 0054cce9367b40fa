import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { defaultConfig } from '../../../cli/lint/config.js';
import { lintFiles } from '../../../cli/lint/lint.js';
import { PAVED_ACTION_PERMISSIONS } from '../../../cli/lint/permissions.js';
import { located, lint, pos, yaml } from './helpers.js';

const root = join(import.meta.dirname, '..', '..', '..');
const SHA = '11bd71901bbe5b1630ceea73d27597364c9af683';
const CHECKOUT = `actions/checkout@${SHA}`;
const acme = { pavedOrgs: ['acme'] };

describe('the permission table covers every action', () => {
  const actions = readdirSync(join(root, 'actions')).sort();
  const inputsOf = (name: string): Record<string, { description?: string; default?: string }> =>
    (parse(readFileSync(join(root, 'actions', name, 'action.yml'), 'utf8')) as { inputs?: never }).inputs ??
    {};

  test('one entry per action, and no entry for an action that does not exist', () => {
    expect(Object.keys(PAVED_ACTION_PERMISSIONS).sort()).toEqual(actions);
  });

  test.each(actions)(
    '%s: every input that hands over the GitHub token or says which permission it needs is in the table',
    (name) => {
      const inputs = inputsOf(name);
      const tokenUsing = Object.entries(inputs)
        .filter(
          ([, spec]) =>
            /github\.token/.test(String(spec.default ?? '')) ||
            /permissions:/.test(String(spec.description ?? '')),
        )
        .map(([input]) => input);
      const covered = PAVED_ACTION_PERMISSIONS[name]?.inputs ?? [];
      expect(tokenUsing.filter((input) => !covered.includes(input))).toEqual([]);
      // and the table names only inputs the action has
      expect(covered.filter((input) => !(input in inputs))).toEqual([]);
    },
  );
});

/** A workflow on `on:` with `permissions: { contents: read }`, up to `jobs:`. */
const head = (on: string): string[] => [`on: ${on}`, 'permissions:', '  contents: read', 'jobs:'];

/** One job on `on:` granting `grants`, running `steps`. */
function job(on: string, grants: string[], ...steps: string[]): string {
  return yaml(
    ...head(on),
    '  deploy:',
    '    runs-on: ubuntu-latest',
    '    permissions:',
    ...grants.map((g) => `      ${g}`),
    '    steps:',
    ...steps,
  );
}

const deploy = (...with_: string[]): string[] => [
  '      - uses: acme/paved/actions/deploy-argocd@v1.2.3',
  '        with:',
  '          argocd-url: https://argocd.example.com',
  ...with_.map((w) => `          ${w}`),
];

describe('permission-not-granted', () => {
  test.each([
    {
      name: 'deploy-argocd with an environment, without deployments: write',
      text: job('push', ['contents: read'], ...deploy('environment: staging')),
      at: 'acme/paved/actions/deploy-argocd',
    },
    {
      name: 'deploy-argocd with an environment from an input',
      text: job('push', ['contents: read'], ...deploy('environment: ${{ inputs.environment }}')),
      at: 'acme/paved/actions/deploy-argocd',
    },
    {
      name: 'vault-secrets with method jwt, without id-token: write',
      text: job(
        'push',
        ['contents: read'],
        '      - uses: acme/paved/actions/vault-secrets@v1.2.3',
        '        with:',
        '          url: https://vault.example.com',
        '          method: jwt',
      ),
      at: 'acme/paved/actions/vault-secrets',
    },
    {
      name: 'checkout with no contents scope',
      text: job('push', ['statuses: read'], `      - uses: ${CHECKOUT}`),
      at: 'actions/checkout',
    },
  ])('$name', async ({ text, at }) => {
    expect(await located(text, 'permission-not-granted', acme)).toEqual([
      `${pos(text, at)} permission-not-granted`,
    ]);
  });

  test('the message names the step, the scope, the reason and the 403', async () => {
    const text = job(
      'push',
      ['contents: read'],
      '      - name: ship',
      ...deploy('environment: staging')
        .slice(0, 1)
        .map((l) => l.replace('      - ', '        ')),
      ...deploy('environment: staging').slice(1),
    );
    const findings = (await lint(text, acme)).filter((f) => f.rule === 'permission-not-granted');
    expect(findings.map((f) => f.message)).toEqual([
      'step "ship" needs deployments: write because deploy-argocd records a GitHub deployment, but job "deploy" does not grant it, so its GitHub API call fails with 403 "Resource not accessible by integration"; add deployments: write to the job\'s permissions:',
    ]);
  });

  test.each([
    ['no environment: no deployment record', job('push', ['contents: read'], ...deploy())],
    [
      'an empty github-token: no record',
      job('push', ['contents: read'], ...deploy('environment: staging', "github-token: ''")),
    ],
    [
      "another token than the job's: its own rights, not the job's grant",
      job(
        'push',
        ['contents: read'],
        ...deploy('environment: staging', 'github-token: ${{ secrets.DEPLOY_PAT }}'),
      ),
    ],
    [
      'test with feedback off',
      job(
        'push',
        ['contents: read'],
        '      - uses: acme/paved/actions/test@v1.2.3',
        '        with:',
        '          feedback: off',
      ),
    ],
    [
      'vault-secrets with a token',
      job(
        'push',
        ['contents: read'],
        '      - uses: acme/paved/actions/vault-secrets@v1.2.3',
        '        with:',
        '          url: https://vault.example.com',
        '          token: ${{ secrets.VAULT_TOKEN }}',
      ),
    ],
    [
      'a pull request comment may use issues: write instead',
      job(
        'pull_request',
        ['contents: read', 'issues: write'],
        '      - uses: acme/paved/actions/test@v1.2.3',
      ),
    ],
  ])('%s: clean', async (_, text) => {
    expect(await lint(text, acme)).toEqual([]);
  });

  test('test needs pull-requests on a pull request and statuses on a push', async () => {
    const step = '      - uses: acme/paved/actions/test@v1.2.3';
    const messages = async (on: string): Promise<string[]> =>
      (await lint(job(on, ['contents: read'], step), acme))
        .filter((f) => f.rule === 'permission-not-granted')
        .map((f) => f.message.split(' because')[0] as string);
    expect(await messages('pull_request')).toEqual([
      'step "acme/paved/actions/test@v1.2.3" needs pull-requests: write (or issues: write)',
    ]);
    expect(await messages('push')).toEqual(['step "acme/paved/actions/test@v1.2.3" needs statuses: write']);
    expect(await messages('[push, pull_request]')).toHaveLength(2);
  });
});

describe('permission-not-used', () => {
  test('a job granting deployments: write with no step that records deployments', async () => {
    const text = job(
      'push',
      ['contents: read', 'deployments: write'],
      `      - uses: ${CHECKOUT}`,
      '      - run: make',
    );
    const findings = (await lint(text)).filter((f) => f.rule === 'permission-not-used');
    expect(findings.map((f) => `${f.line}:${f.column}`)).toEqual([pos(text, 'deployments: write')]);
    expect(findings[0]?.message).toBe(
      'job "deploy" grants deployments: write but no step uses it; a leaked token could still write there, so remove it',
    );
  });
  test('write where the steps only read', async () => {
    const text = job('push', ['contents: write'], `      - uses: ${CHECKOUT}`);
    expect((await lint(text)).map((f) => f.message)).toEqual([
      'job "deploy" grants contents: write but its steps only read (actions/checkout fetches the repository); use contents: read',
    ]);
  });
  test('a workflow-level write no job needs', async () => {
    const text = yaml(
      'on: push',
      'permissions:',
      '  contents: read',
      '  packages: write',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - uses: ${CHECKOUT}`,
    );
    expect(await located(text, 'permission-not-used')).toEqual([
      `${pos(text, 'packages')} permission-not-used`,
    ]);
  });
  test.each([
    [
      'a run: script with gh',
      '      - run: gh release create v1',
      '        env:',
      '          GH_TOKEN: ${{ github.token }}',
    ],
    ['git push', '      - run: git push origin HEAD'],
    ['an action paved lint does not know', `      - uses: someone/else@${SHA}`],
  ])('%s may use any grant: not reported', async (_, ...steps) => {
    const text = job('push', ['contents: write', 'deployments: write'], ...steps);
    expect(await located(text, 'permission-not-used')).toEqual([]);
  });
  test('grants that are used are not reported', async () => {
    const text = job(
      'push',
      ['contents: read', 'deployments: write'],
      `      - uses: ${CHECKOUT}`,
      ...deploy('environment: staging'),
    );
    expect(await lint(text, acme)).toEqual([]);
  });
});

describe('a job calling a local reusable workflow', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paved-lint-perms-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  writeFileSync(
    join(dir, '.github', 'workflows', 'deliver.yml'),
    yaml(
      'on:',
      '  workflow_call:',
      'permissions:',
      '  contents: read',
      'jobs:',
      '  deploy:',
      '    runs-on: ubuntu-latest',
      '    permissions:',
      '      deployments: write',
      '    steps:',
      ...deploy('environment: production'),
    ),
  );
  const caller = (grants: string[]): string => {
    const text = yaml(
      ...head('push'),
      '  ship:',
      '    permissions:',
      ...grants.map((g) => `      ${g}`),
      '    uses: ./.github/workflows/deliver.yml',
    );
    writeFileSync(join(dir, '.github', 'workflows', 'caller.yml'), text);
    return text;
  };
  const findings = async () =>
    (
      await lintFiles([join(dir, '.github', 'workflows', 'caller.yml')], dir, () => defaultConfig(acme))
    ).filter((f) => f.rule.startsWith('permission-'));

  test('the caller must grant what the called jobs need', async () => {
    const text = caller(['contents: read']);
    const found = await findings();
    expect(found.map((f) => `${f.line}:${f.column} ${f.rule}`)).toEqual([
      `${pos(text, './.github/workflows/deliver.yml')} permission-not-granted`,
    ]);
    expect(found[0]?.message).toMatch(
      /^\.\/\.github\/workflows\/deliver\.yml job "deploy" needs deployments: write/,
    );
  });
  test('a grant none of the called jobs needs is reported', async () => {
    const text = caller(['contents: read', 'deployments: write', 'packages: write']);
    expect((await findings()).map((f) => `${f.line}:${f.column} ${f.rule}`)).toEqual([
      `${pos(text, 'packages')} permission-not-used`,
    ]);
  });
  test('exactly what the called jobs need is clean', async () => {
    caller(['contents: read', 'deployments: write']);
    expect(await findings()).toEqual([]);
  });
});
