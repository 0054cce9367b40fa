import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approver, parseRunArgs, runTable } from '../../../cli/commands/run.js';
import { readSettings, resolveEnvironments } from '../../../cli/settings.js';
import type { JobResult } from '../../../engine/types.js';

let repo: string;
beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'paved-settings-'));
  mkdirSync(join(repo, '.github'));
});
afterEach(() => rmSync(repo, { recursive: true, force: true }));

function settings(text: string) {
  writeFileSync(join(repo, '.github', 'paved.yml'), text);
  return readSettings(repo);
}

describe('environments in .github/paved.yml', () => {
  it('reads protection, url, vars and secrets from values, the environment and files', () => {
    writeFileSync(join(repo, 'prod-token'), 'from-file\n');
    const read = settings(
      [
        'default-permissions: permissive',
        'environments:',
        '  production:',
        '    reviewers: [alice]',
        '    url: https://prod.example.com',
        '    vars: { REGION: us-east-1, REPLICAS: 3 }',
        '    secrets:',
        '      INLINE: inline-value',
        '      FROM_ENV: { env: PROD_FROM_ENV }',
        '      FROM_FILE: { file: prod-token }',
        '  preview:',
        '',
      ].join('\n'),
    );
    expect(read.defaultPermissions).toBe('permissive');
    expect(resolveEnvironments(read.environments ?? {}, { PROD_FROM_ENV: 'env-value' }, repo)).toEqual({
      production: {
        protected: false,
        reviewers: ['alice'],
        url: 'https://prod.example.com',
        vars: { REGION: 'us-east-1', REPLICAS: '3' },
        secrets: { INLINE: 'inline-value', FROM_ENV: 'env-value', FROM_FILE: 'from-file' },
      },
      preview: { protected: false, reviewers: [], vars: {}, secrets: {} },
    });
  });

  it.each([
    ['environments: [a]', "'environments' must be a mapping"],
    [
      'environments:\n  prod:\n    protected: yes please',
      "'environments.prod.protected' must be true or false",
    ],
    ['environments:\n  prod:\n    approvers: [a]', "'environments.prod.approvers' is not a setting"],
    [
      'environments:\n  prod:\n    secrets:\n      T: { vault: x }',
      "'environments.prod.secrets.T' must be a value",
    ],
    ['default-permissions: all', "'default-permissions' must be restricted or permissive"],
  ])('refuses %j', (text, message) => {
    expect(() => settings(text)).toThrow(message);
  });

  it('names a secret whose environment variable is not set, without printing any value', () => {
    const read = settings('environments:\n  prod:\n    secrets:\n      TOKEN: { env: NOT_SET_ANYWHERE }\n');
    expect(() => resolveEnvironments(read.environments ?? {}, {}, repo)).toThrow(
      '.github/paved.yml: environments.prod.secrets.TOKEN reads the environment variable NOT_SET_ANYWHERE, which is not set',
    );
  });
});

describe('approvals', () => {
  const io = { interactive: false, err: () => undefined };

  it('approves environments named by --approve (any case) and refuses others off a terminal', async () => {
    const approve = approver(['Production'], {}, io);
    expect(await approve({ environment: 'production', job: 'deploy' })).toBe(true);
    expect(await approve({ environment: 'staging', job: 'deploy' })).toBe(false);
  });

  it('asks once per environment, one question at a time', async () => {
    const questions: string[] = [];
    const approve = approver([], { prod: { reviewers: ['alice'] } }, io, async (question) => {
      questions.push(question);
      return question.includes("'prod'") ? 'y' : 'n';
    });
    const answers = await Promise.all([
      approve({ environment: 'prod', job: 'a', url: 'https://p' }),
      approve({ environment: 'prod', job: 'b' }),
      approve({ environment: 'qa', job: 'c' }),
    ]);
    expect(answers).toEqual([true, true, false]);
    expect(questions).toEqual([
      "Job 'a' deploys to the protected environment 'prod' (https://p); reviewers: alice. Approve? [y/N] ",
      "Job 'c' deploys to the protected environment 'qa'. Approve? [y/N] ",
    ]);
  });

  it('parses --force and repeated --approve', () => {
    const parsed = parseRunArgs(['--force', '--approve', 'prod', '--approve=qa'], {});
    expect(parsed.force).toBe(true);
    expect(parsed.approve).toEqual(['prod', 'qa']);
    expect(() => parseRunArgs(['--approve', ' '], {})).toThrow('--approve needs an environment name');
  });
});

describe('runTable', () => {
  const job = (name: string, environment?: JobResult['environment']): JobResult => ({
    id: name,
    name,
    matrix: undefined,
    outcome: 'success',
    conclusion: 'success',
    outputs: {},
    steps: [],
    durationMs: 1200,
    summary: '',
    workspace: undefined,
    ...(environment ? { environment } : {}),
  });

  it('adds an environment column only when a job has an environment', () => {
    expect(runTable([job('build')])[0]).toBe('JOB    CONCLUSION  DURATION');
    const lines = runTable([job('build'), job('deploy', { name: 'production', url: 'https://p.example' })]);
    expect(lines[0]).toBe('JOB     CONCLUSION  ENVIRONMENT  DURATION');
    expect(lines[1]).toMatch(/^build {3}success {18}\S/);
    expect(lines[2]).toMatch(/^deploy {2}success {5}production {3}\S+.* {2}https:\/\/p\.example$/);
  });
});
