/**
 * What health-check leaves in the GitOps repository and the job summary for delivery metrics: its verdict
 * as a note on the deploy commit (refs/notes/paved), and the "Delivery health" section, the DORA measures
 * of the last 30 days for this service and environment read back from that repository.
 */
import { messageOf } from '../../../shared/errors.js';
import type { GitAuth } from '../../../shared/gitops/git.js';

export const DELIVERY_HEALTH_DAYS = 30;

export interface RecordTarget {
  repo: string;
  branch: string;
  auth?: GitAuth;
}

export interface DeliveryHealth {
  /** The summary section (Markdown with a Mermaid chart). */
  markdown: string;
  /** One line for the Slack message. */
  line: string;
}

/** Append `Paved-Health` and `Paved-Health-Time` to the deploy commit's note; returns a warning on failure. */
export async function recordVerdict(
  target: RecordTarget,
  commit: string,
  verdict: 'healthy' | 'unhealthy',
  at: Date,
): Promise<string | undefined> {
  const { appendNoteAndPush } = await import('../../../shared/gitops/notes.js');
  const { healthNote } = await import('../../../shared/metrics/records.js');
  try {
    await appendNoteAndPush({ url: target.repo, auth: target.auth }, commit, healthNote(verdict, at));
    return undefined;
  } catch (error) {
    return `The health verdict was not recorded in refs/notes/paved: ${messageOf(error)}`;
  }
}

/** The DORA measures of the last 30 days for `service` in `environment`, from the GitOps repository. */
export async function deliveryHealth(
  target: RecordTarget,
  scope: { service: string | undefined; environment: string | undefined },
  now: Date,
): Promise<DeliveryHealth> {
  const { fetchHistory } = await import('../../../shared/gitops/notes.js');
  const metrics = await import('../../../shared/metrics/index.js');
  const scratch = await fetchHistory({ url: target.repo, auth: target.auth }, target.branch);
  try {
    const commits = await metrics.readHistory(scratch.gitDir, { ref: `refs/heads/${scratch.branch}` });
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const result = metrics.computeMetrics(
      metrics.classifyHistory(commits),
      {
        service: scope.service,
        environment: scope.environment,
        since: nowSeconds - DELIVERY_HEALTH_DAYS * 86_400,
        until: nowSeconds,
      },
      nowSeconds,
    );
    const band = (b: string | null): string => (b ? ` (${b})` : '');
    const line = [
      `${result.deployments} deploys in ${DELIVERY_HEALTH_DAYS} days${band(result.bands.deployment_frequency)}`,
      `lead time median ${metrics.formatSeconds(result.lead_time_seconds.median)}${band(result.bands.lead_time)}`,
      `change failure rate ${metrics.formatRate(result.change_failure_rate)}${band(result.bands.change_failure_rate)}`,
      `time to restore median ${metrics.formatSeconds(result.time_to_restore_seconds.median)}${band(result.bands.time_to_restore)}`,
    ].join(' · ');
    return {
      markdown: metrics.deliveryHealthMarkdown(result, {
        days: DELIVERY_HEALTH_DAYS,
        reportHint: 'For any window: `paved metrics --repo <GitOps repo> --service … --html report.html`.',
      }),
      line,
    };
  } finally {
    scratch.dispose();
  }
}
