/**
 * The golden path, as `paved demo` runs it (the same library function, the sandbox started detached by
 * the CLI): build and test once, one image, v1 to staging, healthy, approved and promoted by digest to
 * production; a bad v2 fails staging, is rolled back there and never reaches production — checked from
 * the outside (Argo CD, the GitOps repository, the registry with skopeo, the GitHub deployment records,
 * Slack) — every credential read from Vault, and no process left running.
 * Every service is real or a stand-in started here; a missing tool fails the test with an install hint.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import type { CliIo } from '../../../cli/command.js';
import { runGoldenPath, type DemoResult } from '../../../cli/demo/golden-path.js';
import { sandboxRunValues, stopDetached } from '../../../sandbox/control.js';
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

test('v1 goes staging → production by digest; v2 fails staging, is rolled back and never reaches production', async () => {
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
  // What the registry says about the image the demo promoted, asked with skopeo before the sandbox stops.
  const registry: { main?: string; production?: string; errors: string[] } = { errors: [] };
  const inspect = (reference: string): string | undefined => {
    const inspected = spawnSync(
      'skopeo',
      ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${reference}`],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (inspected.status !== 0) registry.errors.push(inspected.stderr);
    return inspected.stdout.trim() || undefined;
  };
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
    // Again at the end, when the apps' pods run too.
    beforeStop: (state) => {
      sandboxProcesses = [...new Set([...sandboxProcesses, ...processTree(state.pid)])];
      // The image production's deployment record names, fetched by digest from the registry.
      const record = JSON.parse(readFileSync(join(work, 'sandbox', 'github.json'), 'utf8')) as {
        repositories: { deployments: { environment: string; payload: { image?: string } }[] }[];
      };
      const deployed = record.repositories[0]?.deployments.find((d) => d.environment === 'production');
      if (deployed?.payload.image) registry.production = inspect(deployed.payload.image);
      registry.main = inspect(`${sandboxRunValues(state).vars['PAVED_IMAGE']}:main`);
    },
  });
  const output = lines.join('\n');
  expect(result.error, output).toBeUndefined();
  const checks = Object.fromEntries(result.checks.map((c) => [c.name, c]));
  expect(result.runs).toEqual({ v1: 0, v2: 1 });
  for (const name of [
    'pipeline v1 succeeded',
    'v1 healthy in staging',
    'v1 promoted to production by digest',
    'one build, one digest in GitOps',
    'v1 healthy in production',
    'v1 serves in staging',
    'v1 serves in production',
    'v2 deployed to staging, then failed its health-check',
    'v2 rolled back in staging',
    'v1 is live again in staging',
    'v2 never reached production, and the run says why',
    'production ran v1 throughout',
    'the deployment records agree',
    'Slack messages along the way',
  ])
    expect(checks[name]?.ok, `${name}: ${checks[name]?.detail}\n${output}`).toBe(true);
  expect(result.ok).toBe(true);

  // Promotion by digest: production runs exactly what staging tested, and the registry's :main tag
  // (pushed by v2's build) is NOT what production runs — v2 never got there.
  const v1Digest = result.v1Image?.split('@')[1];
  expect(v1Digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(checks['one build, one digest in GitOps']?.detail).toContain(`both pin ${v1Digest}`);
  expect(registry.errors).toEqual([]);
  expect(registry.production).toBe(v1Digest);
  expect(registry.main).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(registry.main).not.toBe(v1Digest);

  // The GitHub deployment records: production got v1 once (in_progress → success); staging got v1, then
  // v2 whose deploy succeeded and whose health-check failed it (and v1's record is current again).
  const deployments = result.github?.deployments ?? [];
  const byEnv = (env: string): string[][] =>
    deployments.filter((d) => d.environment === env).map((d) => d.statuses.map((s) => s.state));
  expect(byEnv('production')).toEqual([['in_progress', 'success']]);
  const staging = byEnv('staging');
  expect(staging).toHaveLength(2);
  expect(staging[1]).toEqual(['in_progress', 'success', 'failure']);
  expect(staging[0]?.slice(0, 2)).toEqual(['in_progress', 'success']);
  expect(staging[0]?.at(-1)).toBe('success');
  const productionDeployment = deployments.find((d) => d.environment === 'production');
  expect((productionDeployment?.payload as { image?: string }).image).toBe(result.v1Image);
  // On a push, the test results went onto the commit as a status linking to the run.
  expect(result.github?.statuses.map((s) => s.state)).toEqual(['success', 'success']);

  // The run says where v2 stopped and why.
  const promotion = readFileSync(
    join(result.summariesDir, 'v2', readSummaryFile(result, 'v2', /promotion/)),
    'utf8',
  );
  expect(promotion).toContain('Not promoted to production');
  expect(promotion).toContain('Stopped in **staging**');
  const v2Deploy = readFileSync(
    join(result.summariesDir, 'v2', readSummaryFile(result, 'v2', /staging_deploy/)),
    'utf8',
  );
  expect(v2Deploy).toContain('Rolled back');
  expect(v2Deploy).toContain('Recovery is confirmed');
  expect(readdirSync(join(result.summariesDir, 'v2')).some((f) => /production/.test(f))).toBe(false);

  // Every credential came from Vault, and no value reached the log.
  for (const name of ['argocdtoken', 'gitopstoken', 'slacktoken'])
    expect(output).toMatch(
      new RegExp(`from Vault: secret/data/paved/deploy ${name} \\(jobs: .*deploy to production`),
    );
  // (runGoldenPath fails the demo when any sandbox token's value shows in a run's log.)
  const caller = readFileSync(
    join(result.workDir, 'sample-service', '.github', 'workflows', 'pipeline.yml'),
    'utf8',
  );
  expect(caller).not.toContain('secrets.');

  // Slack: one message per pipeline run; v1's thread goes through staging to production, v2's stops at
  // staging's rollback. The test results are linked.
  const conversation = result.conversation;
  const channel = conversation?.channels.find((c) => c.name === SANDBOX_SLACK_CHANNEL)?.id as string;
  const top = topLevelMessages(conversation!, channel);
  expect(top).toHaveLength(2);
  const [first, second] = top;
  expect(first?.text).toMatch(/^✅ Health check of production succeeded/);
  expect(threadReplies(conversation!, channel, first!.ts).map((m) => m.text)).toEqual([
    '✅ Image build succeeded',
    '✅ Deploy to staging succeeded',
    '✅ Health check of staging succeeded',
    '✅ Deploy to production succeeded',
    '✅ Health check of production succeeded',
  ]);
  expect(JSON.stringify(first)).toContain('paved-view-tests');
  expect(second?.text).toMatch(/^↩️ Rolled back staging/);
  const secondReplies = threadReplies(conversation!, channel, second!.ts).map((m) => m.text);
  expect(secondReplies.join('\n')).not.toContain('production');

  // The timeline, the timings and where to look.
  expect(output).toContain('v2 failed staging, was rolled back there and never reached production');
  expect(output).toMatch(/Timings: sandbox up .*, v1 pipeline .*, v2 pipeline .*; total /);
  expect(output).toContain('paved sandbox github --show');
  // The demo's own delivery record, per environment, as paved metrics reads it from the GitOps history.
  expect(output).toContain('delivery metrics of staging');
  expect(output).toContain('delivery metrics of production');
  expect(output).not.toContain('delivery metrics could not be read');
  // Nothing of the sandbox (serve, registry, Prometheus, the apps' pods) is left running.
  expect(result.sandboxStopped).toBe(true);
  // serve, docker-registry, prometheus and the two v1 pods at least.
  expect(sandboxProcesses.length).toBeGreaterThanOrEqual(5);
  expect(stillRunning(sandboxProcesses)).toEqual([]);
  expect(existsSync(join(result.sandboxDir, 'state.json'))).toBe(false);
}, 900_000);

/** A job's summary file of a run (its name comes from the job's id path). */
function readSummaryFile(result: DemoResult, run: string, job: RegExp): string {
  const file = readdirSync(join(result.summariesDir, run)).find((f) => job.test(f));
  if (!file) throw new Error(`no ${job.source} summary in ${join(result.summariesDir, run)}`);
  return file;
}
