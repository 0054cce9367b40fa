/**
 * The GitHub stand-in's record as text a person can read (`paved sandbox github --show`): per
 * repository, each environment's deployments newest first with their status sequence and payload, then
 * pull-request comments and commit statuses.
 */
import { latestState, type GitHubRecord } from './records.js';

function short(sha: string): string {
  return sha.slice(0, 7);
}

export function renderGitHubRecord(record: GitHubRecord): string {
  const lines: string[] = [];
  if (record.repositories.length === 0) return 'No repository has used the GitHub stand-in yet.';
  for (const repo of record.repositories) {
    lines.push(`== ${repo.full_name} ==`);
    const environments = [...new Set(repo.deployments.map((d) => d.environment))];
    if (environments.length === 0) lines.push('  no deployments');
    for (const environment of environments) {
      lines.push(`  environment ${environment}:`);
      for (const d of [...repo.deployments].reverse().filter((x) => x.environment === environment)) {
        const payload = typeof d.payload === 'object' ? d.payload : {};
        const image = typeof payload['image'] === 'string' ? payload['image'] : '';
        const gitops =
          typeof payload['gitops_commit'] === 'string' ? ` gitops ${short(payload['gitops_commit'])}` : '';
        lines.push(`    #${d.id} ${latestState(d).padEnd(11)} ${short(d.sha)} ${image}${gitops}`);
        lines.push(`        ${d.statuses.map((s) => s.state).join(' → ') || 'no statuses'}`);
        const last = d.statuses.at(-1);
        if (last?.description) lines.push(`        "${last.description}"`);
      }
    }
    for (const number of repo.pulls) {
      const comments = repo.comments.filter((c) => c.issue_number === number);
      lines.push(`  pull request #${number}: ${comments.length} comment(s)`);
      for (const c of comments) {
        const edited = c.updated_at !== c.created_at ? ` (edited ${c.updated_at})` : '';
        lines.push(`    comment ${c.id} by ${String((c['user'] as { login?: string }).login)}${edited}:`);
        for (const line of c.body.split('\n').filter((l) => l.trim() && !l.startsWith('<!--')))
          lines.push(`      ${line}`);
      }
    }
    for (const s of repo.statuses)
      lines.push(
        `  commit ${short(s.sha)} ${s.context}: ${s.state}${s.description ? ` — ${s.description}` : ''}${s.target_url ? ` (${s.target_url})` : ''}`,
      );
  }
  return lines.join('\n');
}
