/**
 * Test results where reviewers look: on a pull request, one comment (found again by a hidden marker and
 * edited on every push, never a new one each time); on a push, a commit status linking to the run.
 * GitHub refusing or being unreachable is a warning; the test verdict never depends on it.
 */
import type { GitHubContext } from '../../../shared/github-context.js';
import { describeGitHubError, githubClient, permissionHint } from '../../../shared/github/client.js';

export interface FeedbackLog {
  info(message: string): void;
  warning(message: string): void;
}

export interface Feedback {
  /** The comment's markdown (the job summary). */
  body: string;
  state: 'success' | 'failure';
  /** One line, at most 140 characters (GitHub's limit for a status description). */
  description: string;
}

/** The hidden line that identifies this workflow and job's comment among a pull request's comments. */
export function commentMarker(github: Pick<GitHubContext, 'workflow' | 'job'>): string {
  return `<!-- paved:build-test:${github.workflow}/${github.job} -->`;
}

/** GitHub's limit for an issue comment body is 65536 characters; keep the marker and a note. */
export function commentBody(marker: string, markdown: string, runUrl: string): string {
  const footer = `\n\n<sub>Updated by Paved on every push${runUrl ? ` · [the run](${runUrl})` : ''}</sub>`;
  const room = 65_000 - marker.length - footer.length;
  const text =
    markdown.length > room ? `${markdown.slice(0, room)}\n\n… (cut: see the job summary)` : markdown;
  return `${marker}\n${text}${footer}`;
}

/** Post or update the PR comment, or set the commit status. Returns where it went, if anywhere. */
export async function publishFeedback(
  token: string,
  github: GitHubContext,
  feedback: Feedback,
  log: FeedbackLog,
): Promise<string | undefined> {
  if (!github.owner || !github.repo) return undefined;
  const repo = { owner: github.owner, repo: github.repo };
  const scope = github.prNumber !== undefined ? 'pull-requests' : 'statuses';
  try {
    const client = await githubClient(token, { apiUrl: github.apiUrl });
    if (github.prNumber !== undefined) {
      const marker = commentMarker(github);
      const body = commentBody(marker, feedback.body, github.runUrl);
      const comments = await client.paginate(client.rest.issues.listComments, {
        ...repo,
        issue_number: github.prNumber,
        per_page: 100,
      });
      const mine = comments.find((c) => c.body?.includes(marker));
      const written = mine
        ? await client.rest.issues.updateComment({ ...repo, comment_id: mine.id, body })
        : await client.rest.issues.createComment({ ...repo, issue_number: github.prNumber, body });
      log.info(
        `${mine ? 'Updated' : 'Posted'} the test results on pull request #${github.prNumber}: ${written.data.html_url}`,
      );
      return written.data.html_url;
    }
    if (!/^[0-9a-f]{40}$/.test(github.sha)) return undefined;
    await client.rest.repos.createCommitStatus({
      ...repo,
      sha: github.sha,
      state: feedback.state,
      context: `paved/tests (${github.workflow} / ${github.job})`.slice(0, 255),
      description: feedback.description.slice(0, 140),
      ...(github.runUrl ? { target_url: github.runUrl } : {}),
    });
    log.info(
      `Set the commit status of ${github.sha.slice(0, 7)}: ${feedback.state} — ${feedback.description}`,
    );
    return github.runUrl || undefined;
  } catch (error) {
    const { status, message } = describeGitHubError(error);
    log.warning(
      `Test results not published to GitHub: ${message}${permissionHint(status, scope)}. The test verdict is unaffected.`,
    );
    return undefined;
  }
}
