// shared/workflow-commands.ts writes what @actions/core writes, without loading it (and the undici it
// imports) on an action's cold start. Each case runs both and compares stdout and the runner files,
// with the random heredoc delimiters put aside.
import * as core from '@actions/core';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import * as runner from '../../../shared/workflow-commands.js';

const dir = mkdtempSync(join(tmpdir(), 'paved-workflow-commands-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

type Api = typeof runner;
const files = ['OUTPUT', 'STATE', 'STEP_SUMMARY'] as const;

/** Run `use` against one implementation; what it wrote to stdout and to the runner's files. */
async function capture(api: Api, use: (api: Api) => unknown): Promise<Record<string, string>> {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  for (const kind of files) {
    writeFileSync(join(dir, kind), '');
    vi.stubEnv(`GITHUB_${kind}`, join(dir, kind));
  }
  try {
    await use(api);
  } finally {
    vi.restoreAllMocks();
  }
  const result: Record<string, string> = { stdout: written.join('') };
  for (const kind of files) result[kind] = readFileSync(join(dir, kind), 'utf8');
  return JSON.parse(JSON.stringify(result).replace(/ghadelimiter_[0-9a-f-]{36}/g, 'ghadelimiter_X'));
}

/** @actions/core seen through the same interface. */
const toolkit = {
  ...runner,
  info: core.info,
  debug: core.debug,
  isDebug: core.isDebug,
  notice: core.notice,
  warning: core.warning,
  error: core.error,
  startGroup: core.startGroup,
  endGroup: core.endGroup,
  group: core.group,
  setSecret: core.setSecret,
  setOutput: core.setOutput,
  saveState: core.saveState,
  getState: core.getState,
  issueCommand: () => undefined,
  appendStepSummary: (markdown: string) => core.summary.addRaw(markdown).write(),
} as unknown as Api;

describe('workflow commands match @actions/core', () => {
  it.each<[string, (api: Api) => unknown]>([
    ['info', (api) => api.info('plain line with %, : and ,')],
    ['debug with newlines and %', (api) => api.debug('50% done\r\nnext line')],
    [
      'an annotation with every property, escaped',
      (api) =>
        api.error('failed: a, b\nstack', {
          title: 'Failed: x › y, z',
          file: 'src/a:b.ts',
          startLine: 12,
          endLine: 14,
          startColumn: 3,
          endColumn: 9,
        }),
    ],
    ['a warning from an Error', (api) => api.warning(new Error('boom'), { title: 'T' })],
    ['a notice with no properties and an empty title', (api) => api.notice('n', { title: '' })],
    ['groups', (api) => api.group('Build', async () => api.info('inside'))],
    ['masking', (api) => api.setSecret('s3cr3t%value')],
    ['outputs', (api) => (api.setOutput('report', 'line 1\nline 2'), api.setOutput('count', '3'))],
    ['state', (api) => api.saveState('paved_is_post', 'true')],
    ['summary', (api) => api.appendStepSummary('## Title\n\n| a |\n')],
  ])('%s', async (_name, use) => {
    expect(await capture(runner, use)).toEqual(await capture(toolkit, use));
  });

  it('without runner files, outputs and state fall back to the old commands, as @actions/core does', async () => {
    const use = (api: Api) => {
      vi.stubEnv('GITHUB_OUTPUT', '');
      vi.stubEnv('GITHUB_STATE', '');
      api.setOutput('a', 'b');
      api.saveState('k', 'v');
    };
    const ours = await capture(runner, use);
    expect(ours.stdout).toContain('::set-output name=a::b');
    expect(ours).toEqual(await capture(toolkit, use));
  });

  it('getState and isDebug read the same variables', () => {
    vi.stubEnv('STATE_key', 'saved');
    vi.stubEnv('RUNNER_DEBUG', '1');
    expect(runner.getState('key')).toBe(core.getState('key'));
    expect(runner.isDebug()).toBe(true);
  });

  it('a missing summary file is an error, as with @actions/core', () => {
    expect(() => runner.appendStepSummary('x', { GITHUB_STEP_SUMMARY: join(dir, 'absent') })).toThrow(
      /Unable to access summary file/,
    );
    expect(() => runner.appendStepSummary('x', {})).toThrow(/GITHUB_STEP_SUMMARY/);
  });
});
