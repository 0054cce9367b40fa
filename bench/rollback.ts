/**
 * Time to recovery: from the bad version being live (and unhealthy) to the previous version healthy
 * again, in parts — detect (the analysis deciding), rollback call (POST …/rollback, or clone + revert +
 * push), sync (until Argo CD reports the target live and Healthy), recover (the checks passing again) —
 * for both strategies, against the Argo CD stand-in running real sample-service images.
 *
 * Baseline, measured in the same run: an ordinary deploy of the same bad version (bump, push, sync,
 * wait until Healthy). Ratios say how recovery compares with shipping a release through the same stack.
 * The analysis uses interval 1s and failure-limit 1, so detect (counted from the first measurement) is one
 * interval by construction; sync ends when Argo CD reports the rollback's operation done and the app
 * Healthy.
 */
import { formatDuration } from '../shared/duration.js';
import type { HealthReport } from '../shared/health/report.js';
import { runStep } from '../test/integration/health-check/harness.js';
import { startLoopEnvironment, type Variant } from '../test/integration/rollback/environment.js';
import { dropRunnerCommands } from './_quiet.js';

dropRunnerCommands(); // the deploys' token masks and debug lines (bench/_quiet.ts)

const good: Variant = { tag: 'good', version: '1.0.0', fault: 'none' };
const broken: Variant = { tag: 'broken', version: '2.0.0', fault: 'error-rate=1' };

interface Row {
  label: string;
  deployMs: number;
  detectMs: number;
  callMs: number;
  syncMs: number;
  recoverMs: number;
}

const env = await startLoopEnvironment([good, broken]);
const rows: Row[] = [];
try {
  // Warm-up: the stand-in caches each image after its first pull; without this the first baseline deploy
  // would include pulling the bad image and the ratios would compare unlike things.
  await env.addApp('bench-warm-up', { automated: false, initial: good });
  await env.deploy('bench-warm-up', broken);
  for (const [label, automated, strategy] of [
    ['argocd (auto-sync off)', false, 'argocd'],
    ['git-revert (argocd refused: auto-sync on)', true, 'argocd'],
    ['git-revert (auto-sync off)', false, 'git-revert'],
  ] as const) {
    const app = `bench-${rows.length}`;
    await env.addApp(app, { automated, initial: good });
    const deployStarted = Date.now();
    const bad = await env.deploy(app, broken);
    const deployMs = Date.now() - deployStarted;
    const run = await runStep('health-check', {
      urls: `${env.serviceUrl(app)}/`,
      duration: '30s',
      interval: '1s',
      'failure-limit': '1',
      'argocd-server': env.standIn.url,
      'argocd-token': env.standIn.adminToken,
      app,
      'rollback-strategy': strategy,
      'previous-history-id': String(bad.previousHistoryId),
      'gitops-commit': bad.revision,
      'gitops-repo': env.gitopsUrl,
      'gitops-token': env.git.token,
      'recovery-successes': '1',
      'recovery-timeout': '60s',
    });
    const report = JSON.parse(run.outputs['report'] ?? '{}') as HealthReport;
    if (!report.rolledBack || !report.recovery?.confirmed)
      throw new Error(`${label}: no confirmed rollback:\n${run.log}`);
    rows.push({
      label,
      deployMs,
      detectMs: report.analysis?.decidedAtMs ?? Number.NaN,
      callMs: report.rollback?.timings.callMs ?? Number.NaN,
      syncMs: report.rollback?.timings.syncMs ?? Number.NaN,
      recoverMs: report.recovery.elapsedMs,
    });
  }
} finally {
  await env.stop();
}

const pad = (text: string, width: number): string => text.padEnd(width);
console.log(
  `${pad('strategy', 44)}${pad('baseline deploy', 17)}${pad('detect', 10)}${pad('rollback call', 15)}${pad('sync', 10)}${pad('recover', 10)}${pad('total', 10)}total / deploy`,
);
for (const row of rows) {
  const total = row.detectMs + row.callMs + row.syncMs + row.recoverMs;
  console.log(
    `${pad(row.label, 44)}${pad(formatDuration(row.deployMs), 17)}${pad(formatDuration(row.detectMs), 10)}${pad(formatDuration(row.callMs), 15)}${pad(
      formatDuration(row.syncMs),
      10,
    )}${pad(formatDuration(row.recoverMs), 10)}${pad(formatDuration(total), 10)}${(total / row.deployMs).toFixed(2)}×`,
  );
}
