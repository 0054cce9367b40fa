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
