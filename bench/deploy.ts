/**
 * bench/deploy: how long deploy-argocd takes to notice that the deployment is done. Measured from the
 * moment the Argo CD stand-in publishes the application as Synced and Healthy on the new revision to the
 * moment the action's process exits, for `watch: stream` and for the baseline `watch: poll` with a 5 s
 * interval, alternating in the same run against the same stand-in. Target: stream median under 250 ms.
 *
 * Runs the committed bundle (dist/deploy-argocd), as users get it: `node scripts/build.js deploy-argocd` first.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppRecord } from '../sandbox/argocd/controller.js';
import { runGit } from '../shared/gitops/git.js';
import { median } from './_stats.js';
import {
  deployInitially,
  kustomizeApp,
  REPO_ROOT,
  startDeployEnvironment,
  under,
} from '../test/integration/argocd-standin/support.js';
import { runDeployAction } from '../test/integration/deploy-argocd/run-action.js';
import { dropRunnerCommands } from './_quiet.js';

dropRunnerCommands(); // the environment helpers' token masks (bench/_quiet.ts)

const STREAM_RUNS = Number(process.env['BENCH_STREAM_RUNS'] ?? 7);
const POLL_RUNS = Number(process.env['BENCH_POLL_RUNS'] ?? 5);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

if (!existsSync(join(REPO_ROOT, 'dist', 'deploy-argocd', 'index.js'))) {
  console.error('dist/deploy-argocd is missing: run `node scripts/build.js deploy-argocd` first');
  process.exit(2);
}

const env = await startDeployEnvironment((registry) =>
  under('apps/bench', kustomizeApp(`${registry}/bench/app:1`, 'bench')),
);
try {
  const images = [await env.images.push('bench/app', '1'), await env.images.push('bench/app', '2')];
  await deployInitially(env, ['bench']);
  let healthyAt = 0;
  let previousRevision = '';
  // The moment the stand-in publishes Synced/Healthy with a finished operation for the new revision.
  env.standIn.controller.on('change', (app: AppRecord) => {
    if (app.name !== 'bench' || healthyAt) return;
    const op = app.status.operationState;
    if (
      !app.operation &&
      op?.phase === 'Succeeded' &&
      op.syncResult?.revision !== previousRevision &&
      app.status.sync?.status === 'Synced' &&
      app.status.sync.revision === op.syncResult?.revision &&
      app.status.health?.status === 'Healthy'
    ) {
      healthyAt = Date.now();
    }
  });
  const results: Record<'stream' | 'poll', number[]> = { stream: [], poll: [] };
  const plan: ('stream' | 'poll')[] = [];
  for (let i = 0; i < Math.max(STREAM_RUNS, POLL_RUNS); i++) {
    if (i < STREAM_RUNS) plan.push('stream');
    if (i < POLL_RUNS) plan.push('poll');
  }
  let round = 0;
  for (const mode of plan) {
    const image = images[++round % 2] as string;
    // Every run pushes a new commit, so "Healthy on the new revision" is Healthy on any other revision.
    // The mark is reset only after this await: a reconcile meanwhile must not match the previous run.
    previousRevision = (
      await runGit(['--git-dir', env.gitopsBare, 'rev-parse', 'refs/heads/main'])
    ).stdout.trim();
    healthyAt = 0;
    const run = await runDeployAction(
      {
        'argocd-server': env.standIn.url,
        insecure: 'true',
        'argocd-token': env.standIn.adminToken,
        app: 'bench',
        image,
        'gitops-token': env.git.token,
        watch: mode,
        'poll-interval': '5s',
        timeout: '2m',
      },
      { bundle: true },
    );
    if (run.code !== 0 || !healthyAt) {
      console.error(
        `run ${round} (${mode}) failed: exit ${run.code}, healthy seen: ${Boolean(healthyAt)}\n${run.errors.join('\n')}`,
      );
      process.exitCode = 1;
      continue;
    }
    results[mode].push(run.exitedAt - healthyAt);
    console.log(
      `${mode.padEnd(6)} run ${String(results[mode].length).padStart(2)}: Healthy → exit ${run.exitedAt - healthyAt} ms (action ${run.ms} ms)`,
    );
  }
  const stream = median(results.stream);
  const poll = median(results.poll);
  console.log('');
  console.log('| watch | runs | median Healthy→exit | p90 | vs poll 5s |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(
    `| poll (5s, baseline) | ${results.poll.length} | ${poll} ms | ${percentile(results.poll, 90)} ms | 1.00 |`,
  );
  console.log(
    `| stream | ${results.stream.length} | ${stream} ms | ${percentile(results.stream, 90)} ms | ${(stream / poll).toFixed(3)} |`,
  );
  console.log(`\nstream median ${stream} ms: ${stream < 250 ? 'meets' : 'MISSES'} the 250 ms target`);
} finally {
  await env.stop();
}
