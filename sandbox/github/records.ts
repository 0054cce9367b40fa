/**
 * What the GitHub API stand-in keeps: per repository, its environments, deployments with their statuses,
 * pull-request comments and commit statuses — each stored as the very object the REST API returns, so
 * the record file (`github.json`) is what `paved sandbox github --show` prints and what a test can read.
 */

type Json = Record<string, unknown>;

export interface GitHubUser extends Json {
  login: string;
  id: number;
  type: 'Bot' | 'User';
}

export interface DeploymentRecord extends Json {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  payload: Json | string;
  production_environment: boolean;
  transient_environment: boolean;
  created_at: string;
}

export interface DeploymentStatusRecord extends Json {
  id: number;
  state: string;
  environment: string;
  environment_url: string;
  log_url: string;
  description: string;
  created_at: string;
}

export interface IssueCommentRecord extends Json {
  id: number;
  body: string;
  issue_number: number;
  created_at: string;
  updated_at: string;
}

export interface CommitStatusRecord extends Json {
  id: number;
  sha: string;
  state: string;
  context: string;
  description: string | null;
  target_url: string | null;
  created_at: string;
}

export interface EnvironmentRecord extends Json {
  id: number;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface RepositoryRecord {
  id: number;
  full_name: string;
  /** Pull requests the stand-in knows (issue comments go only to these). */
  pulls: number[];
  environments: EnvironmentRecord[];
  /** Oldest first. */
  deployments: (DeploymentRecord & { statuses: DeploymentStatusRecord[] })[];
  comments: IssueCommentRecord[];
  statuses: CommitStatusRecord[];
}

/** The record file's shape. */
export interface GitHubRecord {
  repositories: RepositoryRecord[];
}

/** A deployment's latest state (`pending` before any status), as GitHub's UI shows it. */
export function latestState(deployment: RepositoryRecord['deployments'][number]): string {
  return deployment.statuses.at(-1)?.state ?? 'pending';
}
