/**
 * deploy-argocd: write the image into the GitOps repo (or the Application), sync to exactly that revision
 * and wait until it is Synced and Healthy; outputs say what is live now and what to roll back to.
 */
import { runAction } from '../../../shared/action.js';
import { formatDuration } from '../../../shared/duration.js';
import { getGitHubContext } from '../../../shared/github-context.js';
import { group, info, warning } from '../../../shared/log.js';
import { setOutput } from '../../../shared/outputs.js';
import { SummaryBuilder } from '../../../shared/summary.js';
import { getInputs, type Inputs } from './inputs.js';
import type { DeployResult } from './deploy.js';

export function summaryMarkdown(inputs: Inputs, result: DeployResult): string {
  const app = `[${inputs.app}](${result.appUrl})`;
  const rows: string[][] = [
    ['Application', app],
    ['Image', `\`${inputs.image}\``],
    ['Revision', result.revision ? `\`${result.revision.slice(0, 12)}\`` : '—'],
    [
      'GitOps commit',
      result.gitopsCommit
        ? `\`${result.gitopsCommit.slice(0, 12)}\`${result.file ? ` (${result.file})` : ''}`
        : inputs.mode === 'api'
          ? 'api mode'
          : 'none (image already there)',
    ],
    ['History id', result.historyId === undefined ? '—' : String(result.historyId)],
    [
      'Previous',
      `${result.previousImage ? `\`${result.previousImage}\`` : '—'}${result.previousHistoryId === undefined ? '' : ` (history id ${result.previousHistoryId}, \`${(result.previousRevision ?? '').slice(0, 12)}\`)`}`,
    ],
    [
      'Status',
      result.application
        ? `${result.application.status?.sync?.status ?? '?'} / ${result.application.status?.health?.status ?? '?'}`
        : inputs.sync
          ? '—'
          : 'not synced (sync: false)',
    ],
    ['Took', formatDuration(result.durationMs)],
  ];
  // markdownTable escapes cells; the link and code spans are built here, so the table is assembled by hand.
  const table = [
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${(v ?? '').replace(/\|/g, '\\|')} |`),
  ].join('\n');
  return `### Deployed ${inputs.app} with Argo CD\n\n${table}`;
}

export async function run(): Promise<void> {
  await runAction(async () => {
    const inputs = getInputs();
    const { deploy } = await import('./deploy.js');
    const github = getGitHubContext();
    const source =
      inputs.sourceRepository ??
      (github.repository && github.sha ? `${github.repository}@${github.sha}` : undefined);
    const { sourceCommitTime } = await import('./source.js');
    const context = {
      source,
      runUrl: github.runUrl || undefined,
      sourceTime:
        inputs.sourceTime ??
        (inputs.mode === 'gitops'
          ? await sourceCommitTime(github, source?.slice(source.lastIndexOf('@') + 1))
          : undefined),
    };
    const { closeHttpAgents } = await import('../../../shared/http.js');
    const { deploymentMirror } = await import('./github-deployment.js');
    const mirror = deploymentMirror(inputs, github, { info, warning });
    let result: DeployResult;
    try {
      result = await deploy(
        inputs,
        { ...context, ...(mirror ? { onWritten: mirror.onWritten } : {}) },
        { info, warning, group },
      );
      if (inputs.sync) await mirror?.succeeded(result.revision);
    } catch (error) {
      await mirror?.failed(error);
      throw error;
    } finally {
      // Pooled keep-alive connections would hold the process open after a failure.
      await closeHttpAgents();
    }
    setOutput('revision', result.revision);
    setOutput('history-id', result.historyId === undefined ? '' : String(result.historyId));
    setOutput(
      'previous-history-id',
      result.previousHistoryId === undefined ? '' : String(result.previousHistoryId),
    );
    setOutput('previous-revision', result.previousRevision ?? '');
    setOutput('previous-image', result.previousImage ?? '');
    setOutput('gitops-commit', result.gitopsCommit ?? '');
    setOutput('app-url', result.appUrl);
    setOutput('github-deployment-id', mirror?.id === undefined ? '' : String(mirror.id));
    info(
      inputs.sync
        ? `${inputs.app} is Synced and Healthy on ${result.revision.slice(0, 7)} (history id ${result.historyId ?? '?'}) after ${formatDuration(result.durationMs)}`
        : `Wrote ${inputs.image}; not syncing (sync: false)`,
    );
    const summary = new SummaryBuilder();
    summary.add(summaryMarkdown(inputs, result));
    await summary.write();
  });
}
