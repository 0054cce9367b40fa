/**
 * `paved metrics` on a GitOps history of 10,000 deploy commits (with trailers, health notes on every
 * tenth, a git-revert rollback every fiftieth), built in a second with `git fast-import`. Reading the
 * history (one `git log`), classifying it and computing the measures is timed against a bare
 * `git log --format=%H` of the same repository, measured in the same run, and against the 2 s budget.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyHistory, computeMetrics, readHistory } from '../shared/metrics/index.js';
import { median } from './_stats.js';

const DEPLOYS = 10_000;
const BUDGET_MS = 2000;

/** The fast-import stream: one file rewritten per commit, a note commit on refs/notes/paved at the end. */
function stream(): { text: string; rollbacks: number } {
  const parts: string[] = [];
  const start = Date.parse('2024-01-01T00:00:00Z') / 1000;
  const notes: [number, string][] = [];
  let mark = 0;
  let rollbacks = 0;
  const data = (text: string): string => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const commit = (time: number, offset: string, message: string, content: string): number => {
    mark++;
    parts.push(
      `commit refs/heads/main\nmark :${mark}\ncommitter Bench <bench@paved.invalid> ${time} ${offset}\n${data(message)}${mark > 1 ? `from :${mark - 1}\n` : ''}M 644 inline apps/shop/kustomization.yaml\n${data(content)}`,
    );
    return mark;
  };
  const offsets = ['+0000', '+0530', '-0800', '+0100'];
  for (let i = 0; i < DEPLOYS; i++) {
    const time = start + i * 3600;
    const image = `ghcr.io/acme/shop@sha256:${i.toString(16).padStart(64, '0')}`;
    const message = `deploy(shop): ${image}\n\nSet ${image} in apps/shop/kustomization.yaml.\n\nPaved-Service: shop\nPaved-Environment: ${i % 3 ? 'production' : 'staging'}\nPaved-Image: ${image}\nPaved-Source-Commit: ${i.toString(16).padStart(40, 'a')}\nPaved-Source-Time: ${new Date((time - 1800) * 1000).toISOString().slice(0, 19)}Z\nPaved-Run: https://github.com/acme/shop/actions/runs/${i}\n`;
    const deploy = commit(time, offsets[i % 4] as string, message, `images:\n- name: shop\n  digest: ${i}\n`);
    if (i % 10 === 0)
      notes.push([
        deploy,
        `Paved-Health: ${i % 50 ? 'healthy' : 'unhealthy'}\nPaved-Health-Time: ${new Date((time + 300) * 1000).toISOString().slice(0, 19)}Z\n`,
      ]);
    if (i % 50 === 0) {
      rollbacks++;
      commit(
        time + 600,
        '+0000',
        `Revert "deploy(shop): ${image}"\n\nThis reverts commit :${deploy}.\n`,
        `images:\n- name: shop\n  digest: ${i - 1}\n`,
      );
    }
  }
  parts.push(
    `commit refs/notes/paved\ncommitter Bench <bench@paved.invalid> ${start} +0000\n${data('Notes added by paved')}${notes.map(([m, text]) => `N inline :${m}\n${data(text)}`).join('')}`,
  );
  return { text: parts.join(''), rollbacks };
}

const dir = mkdtempSync(join(tmpdir(), 'paved-bench-metrics-'));
try {
  const gitDir = join(dir, 'gitops.git');
  spawnSync('git', ['init', '-q', '--bare', gitDir]);
  const built = stream();
  const t0 = performance.now();
  const imported = spawnSync('git', ['--git-dir', gitDir, 'fast-import', '--quiet'], { input: built.text });
  if (imported.status !== 0) throw new Error(`git fast-import failed: ${imported.stderr}`);
  spawnSync('git', ['--git-dir', gitDir, 'symbolic-ref', 'HEAD', 'refs/heads/main']);
  console.log(
    `built ${DEPLOYS} deploys + ${built.rollbacks} reverts with git fast-import in ${(performance.now() - t0).toFixed(0)} ms`,
  );
  // fast-import cannot know the revert's sha in the message; the revert lines name marks, so the
  // rollbacks do not resolve. Deploys, trailers and notes are what the budget is about.

  const baseline: number[] = [];
  const ours: number[] = [];
  let deployments = 0;
  for (let i = 0; i < 5; i++) {
    let start = performance.now();
    const bare = spawnSync('git', ['--git-dir', gitDir, 'log', '--format=%H', 'HEAD'], {
      maxBuffer: 1 << 28,
    });
    if (bare.status !== 0) throw new Error('git log failed');
    baseline.push(performance.now() - start);
    start = performance.now();
    const commits = await readHistory(gitDir);
    const metrics = computeMetrics(classifyHistory(commits), { service: 'shop' }, Date.now() / 1000);
    ours.push(performance.now() - start);
    deployments = metrics.deployments;
  }
  if (deployments < DEPLOYS) throw new Error(`expected at least ${DEPLOYS} deploys, read ${deployments}`);
  const base = median(baseline);
  const mine = median(ours);
  console.log('');
  console.log('| measured (median of 5) | ms | × git log --format=%H | budget 2000 ms |');
  console.log('| --- | ---: | ---: | --- |');
  console.log(`| git log --format=%H (baseline) | ${base.toFixed(0)} | 1.0 | |`);
  console.log(
    `| read + classify + compute ${deployments} deploys | ${mine.toFixed(0)} | ${(mine / base).toFixed(1)} | ${mine < BUDGET_MS ? 'within' : 'OVER'} (${((mine / BUDGET_MS) * 100).toFixed(0)}%) |`,
  );
} finally {
  if (process.env['KEEP']) console.log(dir);
  else rmSync(dir, { recursive: true, force: true });
}
