import { describe, expect, test } from 'vitest';
import { fillTemplate, mergeDependabot, type Answers } from '../../../cli/init/render.js';

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
