/**
 * The four DORA measures from a GitOps history: pure functions over the commits `readHistory` returns.
 *
 * - A deploy is a commit with Paved deploy trailers, or a commit with none that is neither a merge nor a
 *   revert (counted, and flagged unattributed: someone changed what runs without Paved). A revert of a
 *   rollback re-applies the deploy it undid and is a deploy again (reverts of reverts alternate).
 * - A rollback is a commit with `Paved-Rollback-Of`, a `git revert` of a deploy, or a note
 *   `Paved-Rollback: argocd` on the deploy. Rollbacks are not deploys.
 * - A deploy failed when it was rolled back or a health verdict on it was `unhealthy`.
 * - Restored: at the rollback (revert commit time, or `Paved-Restored-At`), else at the next deploy of the
 *   same service and environment that did not fail; measured from the unhealthy verdict, or from the
 *   deploy when there was none.
 */
import { KEYS, parseIsoTime } from './records.js';
import type { HistoryCommit } from './history.js';

export interface HealthVerdict {
  verdict: 'healthy' | 'unhealthy';
  /** Seconds since the epoch; undefined when the note gave no time. */
  time: number | undefined;
}

export interface Rollback {
  how: 'git-revert' | 'argocd';
  /** The revert commit (git-revert). */
  commit?: string;
  /** When the previous version was back: the revert's commit time or Paved-Restored-At. */
  time: number | undefined;
  reason?: string;
}

export interface Deploy {
  commit: string;
  /** Committer time of the deploy commit (seconds). */
  time: number;
  timeIso: string;
  subject: string;
  service: string | undefined;
  environment: string | undefined;
  image: string | undefined;
  sourceCommit: string | undefined;
  /** Paved-Source-Time in seconds; undefined when absent or not ISO 8601 with a zone. */
  sourceTime: number | undefined;
  runUrl: string | undefined;
  /** False for a commit without Paved trailers. */
  attributed: boolean;
  /** For a revert of a rollback: the deploy it re-applies (whose trailers it inherits). */
  reapplies?: string;
  health: HealthVerdict[];
  rollbacks: Rollback[];
}

const get = (map: Map<string, string[]>, key: string): string | undefined => {
  const values = map.get(key.toLowerCase());
  const last = values?.[values.length - 1]?.trim();
  return last ? last : undefined;
};

function healthVerdicts(note: Map<string, string[]>): HealthVerdict[] {
  const verdicts = note.get(KEYS.health.toLowerCase()) ?? [];
  const times = note.get(KEYS.healthTime.toLowerCase()) ?? [];
  const result: HealthVerdict[] = [];
  verdicts.forEach((value, i) => {
    const verdict = value.trim().toLowerCase();
    if (verdict === 'healthy' || verdict === 'unhealthy')
      result.push({ verdict, time: parseIsoTime(times[i]) });
  });
  return result;
}

function argocdRollbacks(note: Map<string, string[]>): Rollback[] {
  const kinds = note.get(KEYS.rollback.toLowerCase()) ?? [];
  const reasons = note.get(KEYS.reason.toLowerCase()) ?? [];
  const restored = note.get(KEYS.restoredAt.toLowerCase()) ?? [];
  return kinds
    .map((kind, i) => ({ kind: kind.trim().toLowerCase(), i }))
    .filter(({ kind }) => kind === 'argocd')
    .map(({ i }) => ({ how: 'argocd' as const, time: parseIsoTime(restored[i]), reason: reasons[i] }));
}

/** Resolve a possibly abbreviated sha against the commits seen so far. */
function lookup<T>(bySha: Map<string, T>, sha: string): T | undefined {
  const exact = bySha.get(sha);
  if (exact || sha.length >= 40) return exact;
  for (const [key, value] of bySha) if (key.startsWith(sha)) return value;
  return undefined;
}

/** Classify the history (oldest first) into deploys, each with its verdicts and rollbacks. */
export function classifyHistory(commits: readonly HistoryCommit[]): Deploy[] {
  const deploys: Deploy[] = [];
  const deployBySha = new Map<string, Deploy>();
  /** A rollback commit -> the deploy it rolled back. */
  const rollbackOf = new Map<string, Deploy>();
  for (const commit of commits) {
    const rolledBack = get(commit.trailers, KEYS.rollbackOf) ?? commit.reverts;
    if (rolledBack) {
      const deploy = lookup(deployBySha, rolledBack);
      if (deploy) {
        deploy.rollbacks.push({
          how: 'git-revert',
          commit: commit.sha,
          time: commit.time,
          reason: get(commit.trailers, KEYS.reason),
        });
        rollbackOf.set(commit.sha, deploy);
        continue;
      }
      const undone = lookup(rollbackOf, rolledBack);
      if (undone && !get(commit.trailers, KEYS.rollbackOf)) {
        // A revert of a rollback puts the rolled-back change live again: a deploy of the same thing.
        const again: Deploy = {
          ...undone,
          commit: commit.sha,
          time: commit.time,
          timeIso: commit.timeIso,
          subject: commit.subject,
          reapplies: undone.commit,
          health: healthVerdicts(commit.note),
          rollbacks: argocdRollbacks(commit.note),
        };
        deploys.push(again);
        deployBySha.set(commit.sha, again);
        continue;
      }
      // A revert of something that is not a deploy (or outside the history read): not a deploy either.
      continue;
    }
    const service = get(commit.trailers, KEYS.service);
    if (!service && commit.parents.length > 1) continue;
    const deploy: Deploy = {
      commit: commit.sha,
      time: commit.time,
      timeIso: commit.timeIso,
      subject: commit.subject,
      service,
      environment: get(commit.trailers, KEYS.environment),
      image: get(commit.trailers, KEYS.image),
      sourceCommit: get(commit.trailers, KEYS.sourceCommit),
      sourceTime: parseIsoTime(get(commit.trailers, KEYS.sourceTime)),
      runUrl: get(commit.trailers, KEYS.run),
      attributed: service !== undefined,
      health: healthVerdicts(commit.note),
      rollbacks: argocdRollbacks(commit.note),
    };
    deploys.push(deploy);
    deployBySha.set(commit.sha, deploy);
  }
  return deploys;
}

export type Band = 'elite' | 'high' | 'medium' | 'low';

/**
 * DORA's performance bands from the 2023 Accelerate State of DevOps report (dora.dev/research/2023).
 * The report describes clusters ("between once per day and once per week", "less than one day", "5%"),
 * which leave gaps and overlaps between them; Paved reads them as contiguous thresholds, each cluster
 * reaching down to the next one's edge. The same thresholds are listed in docs/paved-metrics.md.
 */
export const DORA_BANDS_2023 = {
  /** Deploys per day at least: on demand (daily or more), weekly, monthly. */
  deploymentFrequencyPerDay: { elite: 1, high: 1 / 7, medium: 1 / 30 },
  /** Median lead time at most (seconds): a day, a week, a month. */
  leadTimeSeconds: { elite: 86_400, high: 7 * 86_400, medium: 30 * 86_400 },
  /** Change failure rate at most: 5%, 10%, 15% (the 2023 low cluster sits at 64%). */
  changeFailureRate: { elite: 0.05, high: 0.1, medium: 0.15 },
  /** Median failed-deployment recovery time at most (seconds): an hour, a day, a week. */
  timeToRestoreSeconds: { elite: 3_600, high: 86_400, medium: 7 * 86_400 },
} as const;

function atLeast(value: number | null, edges: { elite: number; high: number; medium: number }): Band | null {
  if (value === null) return null;
  return value >= edges.elite
    ? 'elite'
    : value >= edges.high
      ? 'high'
      : value >= edges.medium
        ? 'medium'
        : 'low';
}

function atMost(value: number | null, edges: { elite: number; high: number; medium: number }): Band | null {
  if (value === null) return null;
  return value <= edges.elite
    ? 'elite'
    : value <= edges.high
      ? 'high'
      : value <= edges.medium
        ? 'medium'
        : 'low';
}

/** Linear-interpolated quantile (numpy's default); null for no values. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lower = Math.floor(pos);
  const upper = Math.ceil(pos);
  const a = sorted[lower] as number;
  const b = sorted[upper] as number;
  return a + (b - a) * (pos - lower);
}

export interface MetricsFilter {
  service?: string;
  environment?: string;
  /** Seconds; deploys at or after. */
  since?: number;
  /** Seconds; deploys at or before. Default: now. */
  until?: number;
}

export interface DeployRow {
  commit: string;
  time: string;
  service: string | null;
  environment: string | null;
  image: string | null;
  source_commit: string | null;
  lead_time_seconds: number | null;
  failed: boolean;
  restored_seconds: number | null;
  attributed: boolean;
  reapplies: string | null;
  rolled_back_by: string | null;
}

export interface DoraMetrics {
  service: string | null;
  environment: string | null;
  since: string | null;
  until: string;
  deployments: number;
  deployment_frequency_per_day: number | null;
  deployment_frequency_per_week: number | null;
  lead_time_seconds: { median: number | null; p90: number | null };
  change_failure_rate: number | null;
  failed_deployments: number;
  time_to_restore_seconds: { median: number | null; p90: number | null };
  /** Failed deploys with no restore recorded yet. */
  unrestored: number;
  /** Deploys without Paved trailers (counted; their lead time is unknown). */
  unattributed: number;
  bands: {
    deployment_frequency: Band | null;
    lead_time: Band | null;
    change_failure_rate: Band | null;
    time_to_restore: Band | null;
  };
  bands_source: string;
  deploys: DeployRow[];
}

function iso(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
}

function failedAt(deploy: Deploy): { failed: boolean; from: number } {
  const unhealthy = deploy.health.filter((h) => h.verdict === 'unhealthy').map((h) => h.time ?? deploy.time);
  const failed = unhealthy.length > 0 || deploy.rollbacks.length > 0;
  return { failed, from: unhealthy.length ? Math.min(...unhealthy) : deploy.time };
}

function matches(deploy: Deploy, filter: MetricsFilter): boolean {
  if (filter.service !== undefined && deploy.service !== filter.service) return false;
  if (filter.environment !== undefined && deploy.environment !== filter.environment) return false;
  return true;
}

/** Compute the measures for the deploys matching `filter`. `now` (seconds) stands in for an open `until`. */
export function computeMetrics(deploys: readonly Deploy[], filter: MetricsFilter, now: number): DoraMetrics {
  const until = filter.until ?? now;
  const stream = deploys.filter((d) => matches(d, filter)).sort((a, b) => a.time - b.time);
  // Each deploy's failure is worked out once: the search for the next deploy that held reads it many times.
  const failure = new Map(stream.map((d) => [d, failedAt(d)]));
  const position = new Map(stream.map((d, i) => [d, i]));
  const selected = stream.filter(
    (d) => d.time <= until && (filter.since === undefined || d.time >= filter.since),
  );
  const rows: DeployRow[] = [];
  const leadTimes: number[] = [];
  const restores: number[] = [];
  let failures = 0;
  let unrestored = 0;
  for (const deploy of selected) {
    const lead = deploy.sourceTime === undefined ? null : Math.max(0, deploy.time - deploy.sourceTime);
    if (lead !== null) leadTimes.push(lead);
    const { failed, from } = failure.get(deploy) as { failed: boolean; from: number };
    let restored: number | null = null;
    let rolledBackBy: string | null = null;
    if (failed) {
      failures++;
      const back = deploy.rollbacks
        .filter((r) => r.time !== undefined)
        .sort((a, b) => (a.time as number) - (b.time as number))[0];
      let end = back?.time;
      rolledBackBy = back
        ? (back.commit ?? back.how)
        : (deploy.rollbacks[0]?.commit ?? deploy.rollbacks[0]?.how ?? null);
      if (end === undefined) {
        // No rollback time: restored by the next deploy of the same service and environment that held.
        for (let i = (position.get(deploy) as number) + 1; i < stream.length && end === undefined; i++) {
          const d = stream[i] as Deploy;
          if (d.service === deploy.service && d.environment === deploy.environment && !failure.get(d)?.failed)
            end = d.time;
        }
      }
      if (end !== undefined) {
        restored = Math.max(0, end - from);
        restores.push(restored);
      } else unrestored++;
    }
    rows.push({
      commit: deploy.commit,
      time: iso(deploy.time),
      service: deploy.service ?? null,
      environment: deploy.environment ?? null,
      image: deploy.image ?? null,
      source_commit: deploy.sourceCommit ?? null,
      lead_time_seconds: lead,
      failed,
      restored_seconds: restored,
      attributed: deploy.attributed,
      reapplies: deploy.reapplies ?? null,
      rolled_back_by: rolledBackBy,
    });
  }
  const since = filter.since ?? selected[0]?.time;
  // A window shorter than a day would turn three deploys in an hour into 72 a day.
  const days = since === undefined ? undefined : Math.max(1, (until - since) / 86_400);
  const perDay = days === undefined ? null : selected.length / days;
  const leadMedian = quantile(leadTimes, 0.5);
  const restoreMedian = quantile(restores, 0.5);
  const cfr = selected.length ? failures / selected.length : null;
  return {
    service: filter.service ?? null,
    environment: filter.environment ?? null,
    since: since === undefined ? null : iso(since),
    until: iso(until),
    deployments: selected.length,
    deployment_frequency_per_day: perDay,
    deployment_frequency_per_week: perDay === null ? null : perDay * 7,
    lead_time_seconds: { median: leadMedian, p90: quantile(leadTimes, 0.9) },
    change_failure_rate: cfr,
    failed_deployments: failures,
    time_to_restore_seconds: { median: restoreMedian, p90: quantile(restores, 0.9) },
    unrestored,
    unattributed: selected.filter((d) => !d.attributed).length,
    bands: {
      deployment_frequency: atLeast(perDay, DORA_BANDS_2023.deploymentFrequencyPerDay),
      lead_time: atMost(leadMedian, DORA_BANDS_2023.leadTimeSeconds),
      change_failure_rate: atMost(cfr, DORA_BANDS_2023.changeFailureRate),
      time_to_restore: atMost(restoreMedian, DORA_BANDS_2023.timeToRestoreSeconds),
    },
    bands_source: 'DORA, Accelerate State of DevOps 2023',
    deploys: rows,
  };
}
