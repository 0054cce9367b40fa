import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureRepo, removeFixtureRepos, run } from './helpers.js';

afterAll(removeFixtureRepos);

describe('file commands', () => {
  it('reads GITHUB_OUTPUT/ENV/PATH/STEP_SUMMARY like the runner, with its error messages', async () => {
    const repo = fixtureRepo('file-commands');
    const summaryDir = mkdtempSync(join(tmpdir(), 'paved-summary-'));
    const r = await run(repo, 'files.yml', { summaryDir });
    expect(r.job('files').outputs).toEqual({ single: 'one=two', multi: 'line 1\nline 2' });
    const lines = r.lines('files');
    expect(lines).toContain('env=set-by-step heredoc=a,b, tool=tool-two');
    expect(lines).toContain('context=set-by-step output=one=two');
    expect(lines).toContain('precedence=step-env');
    expect(lines).toContain('broken=failure invalid=failure');
    const messages = r.result.annotations.map((a) => a.message);
    expect(messages).toContain("Unable to process file command 'output' successfully.");
    expect(messages).toContain("Invalid value. Matching delimiter not found 'NEVER'");
    expect(messages).toContain("Unable to process file command 'env' successfully.");
    expect(messages).toContain("Invalid format 'no equals sign'");
    expect(r.job('files').summary).toBe('### Summary from step one\n- second line\n');
    const written = readdirSync(summaryDir);
    expect(written).toEqual(['files.md']);
    expect(readFileSync(join(summaryDir, 'files.md'), 'utf8')).toContain('### Summary from step one');
    expect(r.result.exitCode, r.all).toBe(0);
  });
});

// actions/runner src/Runner.Worker/FileCommandManager.cs and ActionRunner.cs: every step (and every
// step of a composite action) gets its own FileCommandManager, whose InitializeFiles creates
// `set_output_<guid>`, `set_env_<guid>`, … in `_temp/_runner_file_commands` and whose ProcessFiles
// reads them once after the step. A write that comes after the step ended is never read.
describe('file-command files per step', () => {
  it('gives each step fresh files in the runner layout, so a late write from a background process goes nowhere', async () => {
    const r = await run(fixtureRepo('file-commands'), 'late-writes.yml');
    const lines = r.lines('late');
    expect(lines.slice(-4)).toEqual([
      'bg early=in-step late=',
      'next own=next late=',
      'env LATE_ENV=unset',
      'path clean',
    ]);
    // One set of files per step, named as the runner names them, never shared between two steps.
    const paths = lines
      .map((line) => /^(?:files|inner-a|inner-b) (.*)$/.exec(line)?.[1])
      .filter((path): path is string => path !== undefined);
    expect(paths).toHaveLength(4);
    for (const path of paths)
      expect(path).toMatch(
        /\/_temp\/_runner_file_commands\/set_output_[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/,
      );
    expect(new Set(paths).size).toBe(4);
    // The summary is what each step wrote while it ran, step by step.
    expect(r.job('late').summary).toBe('bg summary\nnext summary\n');
    expect(r.result.exitCode, r.all).toBe(0);
  });
});
