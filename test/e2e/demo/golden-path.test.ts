/**
 * The golden path, as `paved demo` runs it (the same library function, the sandbox started detached by
 * the CLI): build and test, image, deploy v1 healthy, deploy a bad v2, automatic rollback to v1 verified
 * healthy, Slack messages along the way — checked from the outside — and no process left running.
 * Every service is real or a stand-in started here; a missing tool fails the test with an install hint.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import type { CliIo } from '../../../cli/command.js';
import { runGoldenPath, type DemoResult } from '../../../cli/demo/golden-path.js';
import { stopDetached } from '../../../sandbox/control.js';
import { requireCommand } from '../../../sandbox/process.js';
import { SANDBOX_SLACK_CHANNEL } from '../../../sandbox/services.js';
import { threadReplies, topLevelMessages } from '../../../sandbox/slack/conversation.js';
import { processTree, stillRunning } from '../../support/processes.js';

const root = resolve(import.meta.dirname, '../../..');
const work = mkdtempSync(join(tmpdir(), 'paved-demo-e2e-'));

afterAll(async () => {
  await stopDetached(join(work, 'sandbox'), 5000).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

test('v1 deploys healthy, v2 is rolled back, v1 is healthy again, Slack has the story, nothing is left running', async () => {
  // One literal call each: test/unit/test-deps.test.ts reads them to keep ensure-test-deps.sh in step.
  requireCommand('docker-registry', 'docker-registry');
  requireCommand('prometheus', 'prometheus');
  requireCommand('skopeo', 'skopeo');
  requireCommand('umoci', 'umoci');
  requireCommand('git', 'git');
  const lines: string[] = [];
  const io: CliIo = {
    cwd: root,
    env: process.env,
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
    usageError: () => 2,
    interactive: false,
  };
  let sandboxProcesses: number[] = [];
  const result: DemoResult = await runGoldenPath({
    io,
    workDir: work,
    cli: {
      executable: process.execPath,
      args: [
        '--import',
        pathToFileURL(join(root, 'node_modules/tsx/dist/esm/index.mjs')).href,
        join(root, 'cli/index.ts'),
      ],
    },
    onSandbox: (state) => {
      sandboxProcesses = processTree(state.pid);
    },
    // Again at the end, when the app's pods run too.
    beforeStop: (state) => {
      sandboxProcesses = [...new Set([...sandboxProcesses, ...processTree(state.pid)])];
    },
  });
  const output = lines.join('\n');
  expect(result.error, output).toBeUndefined();
  const checks = Object.fromEntries(result.checks.map((c) => [c.name, c]));
  expect(result.runs).toEqual({ v1: 0, v2: 1 });
  for (const name of [
    'pipeline v1 succeeded',
    'v1 deployed',
    'v1 healthy',
    'v1 serves',
    'v2 deployed, then failed its health-check',
    'v2 rolled back',
    'v1 is live again',
    'v1 healthy again',
    'v1 serves again',
    'Slack messages along the way',
  ])
    expect(checks[name]?.ok, `${name}: ${checks[name]?.detail}\n${output}`).toBe(true);
  expect(checks['v1 is live again']?.detail).toContain(result.v1Image as string);
  expect(result.ok).toBe(true);

  // The step summaries tell the same story.
  const v2Deploy = readFileSync(join(result.summariesDir, 'v2', readSummaryFile(result, 'v2')), 'utf8');
  expect(v2Deploy).toContain('Rolled back');
  expect(v2Deploy).toContain('Recovery is confirmed');

  // Slack: one message per pipeline run, each with the stages as thread replies; the second says rollback.
  const conversation = result.conversation;
  const channel = conversation?.channels.find((c) => c.name === SANDBOX_SLACK_CHANNEL)?.id as string;
  const top = topLevelMessages(conversation!, channel);
  expect(top).toHaveLength(2);
  const [first, second] = top;
  expect(first?.text).toMatch(/^✅ .*succeeded/);
  expect(threadReplies(conversation!, channel, first!.ts).map((m) => m.text)).toEqual([
    '✅ Image build succeeded',
    '✅ Deploy to sandbox succeeded',
    '✅ Health check of sandbox succeeded',
  ]);
  expect(second?.text).toMatch(/^↩️ Rolled back sandbox/);
  const secondReplies = threadReplies(conversation!, channel, second!.ts).map((m) => m.text);
  expect(secondReplies.slice(0, 2)).toEqual(['✅ Image build succeeded', '✅ Deploy to sandbox succeeded']);
  expect(secondReplies[2]).toMatch(/^↩️ Rolled back sandbox/);

  // The timeline and where to look.
  expect(output).toContain('The golden path works: v1 deployed, v2 rolled back, v1 healthy again.');
  expect(output).toContain('paved sandbox slack --show');
  // Nothing of the sandbox (serve, registry, Prometheus, the app's pods) is left running.
  expect(result.sandboxStopped).toBe(true);
  // serve, docker-registry, prometheus and the v1 pod at least.
  expect(sandboxProcesses.length).toBeGreaterThanOrEqual(4);
  expect(stillRunning(sandboxProcesses)).toEqual([]);
  expect(existsSync(join(result.sandboxDir, 'state.json'))).toBe(false);
}, 900_000);

/** The deploy job's summary file of a run (its name comes from the job's id path). */
function readSummaryFile(result: DemoResult, run: string): string {
  const file = readdirSync(join(result.summariesDir, run)).find((f) => /deploy/.test(f));
  if (!file) throw new Error(`no deploy summary in ${join(result.summariesDir, run)}`);
  return file;
}
