import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRepo, removeFixtureRepos, run } from './helpers.js';

afterAll(removeFixtureRepos);

describe('workflow commands', () => {
  it('masks, groups, annotates, stops commands and honours deprecated commands', async () => {
    const repo = fixtureRepo('workflow-commands');
    const r = await run(repo, 'commands.yml', { secrets: { API_KEY: 's3cr3t-api-key' } });
    const lines = r.lines('commands');
    expect(lines).toContain('before: hunter2-value');
    expect(lines).toContain('after: ***');
    expect(lines).toContain('secret from context: ***');
    expect(lines).toContain('later *** and ***');
    // Masked values appear nowhere after the mask was added: not in lines, outputs or annotations.
    const afterMask = r.events.slice(r.events.findIndex((e) => e.text === 'after: ***'));
    expect(afterMask.map((e) => e.text).join('\n')).not.toContain('hunter2-value');
    expect(r.all).not.toContain('s3cr3t-api-key');
    expect(r.job('commands').outputs).toEqual({ plain: 'legacy-value' });
    expect(r.result.annotations.map((a) => a.message)).toContain(
      "Skip output 'leaked' since it may contain secret.",
    );
    const commandLines = r.events.filter((e) => e.kind === 'command').map((e) => e.text);
    expect(commandLines).toEqual(expect.arrayContaining(['##[group]Installing things', '##[endgroup]']));
    expect(lines).toContain('inside group');
    expect(commandLines.join('\n')).not.toContain('hidden unless debug');
    const error = r.result.annotations.find((a) => a.title === 'Type error');
    expect(error).toMatchObject({
      level: 'error',
      message: 'Cannot%20find name\nx',
      file: 'src/app.ts',
      line: 12,
      col: 5,
    });
    expect(r.result.annotations.find((a) => a.message === 'note this')).toMatchObject({
      level: 'notice',
      file: 'README.md',
    });
    // Between stop-commands and its token, command-like lines are plain output.
    expect(lines).toContain('::error::not an annotation');
    expect(r.result.annotations.some((a) => a.message === 'not an annotation')).toBe(false);
    expect(
      r.result.annotations.some((a) => a.message === 'an annotation again' && a.level === 'warning'),
    ).toBe(true);
    expect(
      r.result.annotations.some((a) => a.message.startsWith('The `set-output` command is deprecated')),
    ).toBe(true);
    expect(r.result.annotations.some((a) => a.message.startsWith('The `set-env` command is disabled.'))).toBe(
      true,
    );
    expect(r.job('commands').steps.find((s) => s.id === 'setenv')).toMatchObject({
      outcome: 'failure',
      conclusion: 'success',
    });
  });

  it('shows ::debug:: lines with debug on', async () => {
    const repo = fixtureRepo('workflow-commands');
    const r = await run(repo, 'commands.yml', { debug: true });
    expect(r.events.map((e) => e.text)).toContain('##[debug]hidden unless debug');
  });
});
