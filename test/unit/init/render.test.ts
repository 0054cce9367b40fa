import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import {
  CALLER_PERMISSIONS,
  PIPELINE_INPUTS,
  PIPELINE_VAULT_INPUTS,
  VAULT_CALLER_PERMISSIONS,
} from '../../../cli/init/contract.js';
import {
  fillTemplate,
  mergeDependabot,
  renderWorkflow,
  useVault,
  type Answers,
} from '../../../cli/init/render.js';
import { checkVaultPair, checkVaultRole, checkVaultUrl } from '../../../cli/init/values.js';

const root = join(import.meta.dirname, '..', '..', '..');

const answers: Answers = {
  org: 'acme',
  template: 'go-service',
  service: 'orders',
  argocdApp: 'orders-prod',
  gitopsRepo: 'acme/gitops',
  gitopsPath: 'apps/orders',
  registry: 'ghcr.io/acme',
  slackChannel: '#deploys',
  versionTag: 'v1.4.0',
  defaultBranch: 'trunk',
  runnerLabels: [],
};

describe('fillTemplate', () => {
  test.each([
    ['placeholders', 'uses: $paved-org/paved/.github/workflows/pipeline.yml@$paved-version'],
    [
      'already rewritten by the release script',
      'uses: paved-dev/paved/.github/workflows/pipeline.yml@v0.9.0',
    ],
    ["the README's <org> form", 'uses: <org>/paved/.github/workflows/pipeline.yml@v1'],
  ])('pins Paved refs given as %s', (_, line) => {
    expect(fillTemplate(`${line}\n`, answers)).toBe(
      'uses: acme/paved/.github/workflows/pipeline.yml@v1.4.0\n',
    );
  });
  test('fills every placeholder, longest name first, and leaves other $ text alone', () => {
    const template =
      "b: [$default-branch]\ni: '$registry/$service-name'\nc: '$slack-channel'\nrun: echo $HOME ${{ env.X }}\n";
    expect(fillTemplate(template, answers)).toBe(
      "b: [trunk]\ni: 'ghcr.io/acme/orders'\nc: '#deploys'\nrun: echo $HOME ${{ env.X }}\n",
    );
  });
  test('leaves other owners and other repositories alone', () => {
    const text = 'uses: actions/checkout@v4\nuses: acme/paved-extras/actions/x@v1\n';
    expect(fillTemplate(text, answers)).toBe(text);
  });
});

describe('mergeDependabot', () => {
  test('an empty file gets version 2 and the github-actions entry', () => {
    expect(mergeDependabot('', 'd.yml')).toBe(
      'version: 2\nupdates:\n  - package-ecosystem: github-actions\n    directory: /\n    schedule:\n      interval: weekly\n',
    );
  });
  test('directories: ["/"] counts as covering the root', () => {
    expect(
      mergeDependabot(
        'version: 2\nupdates:\n  - package-ecosystem: github-actions\n    directories: ["/"]\n    schedule: { interval: daily }\n',
        'd.yml',
      ),
    ).toBeUndefined();
  });
  test('a github-actions entry for another directory does not', () => {
    const merged = mergeDependabot(
      'version: 2\nupdates:\n  - package-ecosystem: github-actions\n    directory: /tools\n    schedule: { interval: daily }\n',
      'd.yml',
    );
    expect(merged).toContain('directory: /tools');
    expect(merged).toContain('  - package-ecosystem: github-actions\n    directory: /\n');
  });
  test('not a mapping is an error that says what is expected', () => {
    expect(() => mergeDependabot('- a\n', '.github/dependabot.yml')).toThrow(
      ".github/dependabot.yml must be a mapping with 'version: 2' and 'updates:'",
    );
  });
});

const template = readFileSync(join(root, 'workflows-templates', 'go-service.yml'), 'utf8');

interface Caller {
  jobs: Record<string, { with: Record<string, string>; permissions: unknown; secrets?: unknown }>;
}

describe('the Vault caller', () => {
  test('passes vault-url and vault-role, grants id-token: write and passes no secrets', () => {
    const text = renderWorkflow(template, {
      ...answers,
      vault: { url: 'https://vault.example.com:8200', role: 'paved-deploy' },
    });
    const job = Object.values((parse(text) as Caller).jobs)[0];
    expect(Object.keys(job?.with ?? {})).toEqual([
      ...PIPELINE_INPUTS.map((i) => i.name),
      ...PIPELINE_VAULT_INPUTS.map((i) => i.name),
    ]);
    expect(job?.with['vault-url']).toBe('https://vault.example.com:8200');
    expect(job?.with['vault-role']).toBe('paved-deploy');
    expect(job?.permissions).toEqual(VAULT_CALLER_PERMISSIONS);
    expect(job).not.toHaveProperty('secrets');
    // the template's comments stay
    expect(text).toContain('deployments: write # GitHub deployment records of each deploy');
  });

  test('without Vault the caller is the template as before', () => {
    const text = renderWorkflow(template, answers);
    const job = Object.values((parse(text) as Caller).jobs)[0];
    expect(job?.permissions).toEqual(CALLER_PERMISSIONS);
    expect(Object.keys(job?.secrets as object)).toEqual(['argocd-token', 'gitops-token', 'slack-token']);
    expect(text).not.toContain('vault');
  });

  test('a value that looks like YAML stays a string', () => {
    const job = Object.values(
      (parse(useVault(template, { url: 'http://127.0.0.1:8200', role: 'true' })) as Caller).jobs,
    )[0];
    expect(job?.with['vault-role']).toBe('true');
  });

  test('a template without one pipeline call is refused', () => {
    expect(() => useVault('jobs:\n  a:\n    runs-on: x\n', { url: 'https://v', role: 'r' })).toThrow(
      'the template must have exactly one job calling .github/workflows/pipeline.yml; found 0',
    );
  });
});

describe('Vault values', () => {
  test.each(['https://vault.example.com', 'https://vault.example.com:8200/', 'http://127.0.0.1:8200'])(
    'URL %s is accepted',
    (url) => expect(checkVaultUrl(url)).toBeUndefined(),
  );
  test.each([
    'vault.example.com',
    'ftp://vault.example.com',
    'https://user:pw@vault.example.com',
    'https://vault.example.com/?ns=a',
    'https://vault.example.com/#x',
    '',
  ])('URL %j is refused, naming the flag, quoting the value and showing the form', (url) => {
    expect(checkVaultUrl(url)).toBe(
      `invalid --vault-url ${JSON.stringify(url)}: use the http(s) address of Vault without credentials, query or fragment, e.g. https://vault.example.com:8200`,
    );
  });
  test.each(['paved-deploy', 'orders.prod', 'team_1'])('role %s is accepted', (role) =>
    expect(checkVaultRole(role)).toBeUndefined(),
  );
  test.each(['team/deploy', 'has space', '-lead', '', 'x'.repeat(129)])('role %j is refused', (role) => {
    expect(checkVaultRole(role)).toMatch(
      new RegExp(
        `^invalid --vault-role ${JSON.stringify(role).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: use a Vault role name .*e\\.g\\. paved-deploy$`,
      ),
    );
  });
  test.each([
    [{}, undefined],
    [{ 'vault-url': 'https://v', 'vault-role': 'r' }, undefined],
    [{ 'vault-role': 'r' }, /^--vault-role "r" needs --vault-url too/],
    [{ 'vault-url': 'https://v' }, /^--vault-url "https:\/\/v" needs --vault-role too/],
  ] as const)('both or neither: %j', (values, expected) => {
    const problem = checkVaultPair(values);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});
