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

  // actions/runner ActionCommandManager.cs (AddMatcherCommandExtension, RemoveMatcherCommandExtension)
  // and IssueMatcher.cs / OutputManager.cs: matchers registered with ::add-matcher:: hold for the rest
  // of the job and turn matching output lines (color codes removed) into annotations; a file outside
  // the repository or missing is left out of the annotation; multi-line patterns with `loop`.
  it('turns output into annotations with problem matchers, until the matcher is removed', async () => {
    const r = await run(fixtureRepo('workflow-commands'), 'matchers.yml');
    const found = r.result.annotations
      .filter((a) => a.job === 'matchers')
      .map(({ level, message, step, file, line, col, title }) => ({
        level,
        message,
        step,
        file,
        line,
        col,
        title,
      }));
    expect(found).toEqual([
      {
        level: 'error',
        message: "Type 'string' is not assignable to type 'number'.",
        step: 'compile',
        file: 'src/app.ts',
        line: 1,
        col: 14,
        title: 'TS2322',
      },
      {
        level: 'warning',
        message: "'x' is declared but never read.",
        step: 'compile',
        file: undefined,
        line: 3,
        col: 1,
        title: 'TS6133',
      },
      {
        level: 'error',
        message: 'colored line.',
        step: 'compile',
        file: 'src/app.ts',
        line: 1,
        col: 1,
        title: 'TS1005',
      },
      {
        level: 'error',
        message: "'b' is assigned a value but never used",
        step: 'lint',
        file: 'src/util.js',
        line: 1,
        col: 7,
        title: 'no-unused-vars',
      },
      {
        level: 'warning',
        message: 'Missing semicolon',
        step: 'lint',
        file: 'src/util.js',
        line: 1,
        col: 11,
        title: 'semi',
      },
    ]);
    // The matched lines are still printed.
    expect(r.lines('matchers', 'compile')).toContain('not a problem');
    expect(r.job('matchers').conclusion).toBe('success');
  });

  // ActionCommandManager.TryProcessCommand: a command that throws fails the step ("Unable to process
  // command … successfully."); AddMaskCommandExtension warns about an empty value; IssueCommandExtension
  // writes a file inside the workspace relative to it.
  it('fails the step for a missing matcher file or a bad echo value, and keeps annotation files relative', async () => {
    const r = await run(fixtureRepo('workflow-commands'), 'matchers.yml');
    const messages = r.result.annotations.filter((a) => a.job === 'bad-commands');
    expect(messages.map((a) => a.message)).toEqual(
      expect.arrayContaining([
        "Unable to process command '::add-matcher::matchers/nope.json' successfully.",
        "Invalid echo command value. Possible values can be: 'on', 'off'. Current value is: 'maybe'.",
        "Can't add secret mask for empty string in ##[add-mask] command.",
      ]),
    );
    expect(messages.find((a) => a.message === 'inside the workspace')).toMatchObject({
      file: 'src/app.ts',
      line: 1,
    });
    expect(r.lines('bad-commands')).toContain('outcomes failure failure');
  });

  // ExecutionContext.AddIssue: a step keeps its first 10 errors and 10 warnings as annotations.
  it('keeps 10 annotations of each level per step and logs the rest', async () => {
    const r = await run(fixtureRepo('workflow-commands'), 'matchers.yml');
    const many = r.result.annotations.filter((a) => a.job === 'many');
    expect(many.filter((a) => a.level === 'error').map((a) => a.message)).toEqual(
      Array.from({ length: 10 }, (_, i) => `problem ${i + 1}`),
    );
    expect(many.filter((a) => a.level === 'warning')).toHaveLength(10);
    const logged = r.events.filter((e) => e.job === 'many' && e.kind === 'command').map((e) => e.text);
    expect(logged).toEqual(expect.arrayContaining(['##[error]problem 12', '##[warning]careful 11']));
  });
});
