/**
 * The JSON report (the `report` output: every probe result) and the job summary (a timeline of the
 * probes, the verdict, and what was rolled back to), shared by `health-check` and `rollback`.
 */
import { formatDuration } from '../duration.js';
import { details, markdownTable, SummaryBuilder } from '../summary.js';
import type { AnalysisPhase, Measurement } from './analysis.js';
import { describeCheck, type HealthCheck } from './checks.js';
import type { AnalysisResult } from './run.js';

export interface AnalysisReport {
  startedAt: string;
  elapsedMs: number;
  decidedAtMs?: number;
  phase: AnalysisPhase;
  reason?: string;
  checks: {
    name: string;
    kind: HealthCheck['kind'];
    target: string;
    phase: AnalysisPhase;
    reason?: string;
    measurements: number;
    successful: number;
    failed: number;
    inconclusive: number;
    errors: number;
  }[];
  measurements: Measurement[];
}

export interface RollbackReport {
  strategy: string;
  fallbackReason?: string;
  revision: string;
  historyId?: number;
  revertedCommit?: string;
  images: string[];
  timings: { callMs: number; syncMs: number };
}

export interface HealthReport {
  /** `healthy`, `rolled-back`, `unhealthy` (not rolled back), `inconclusive`, `error`, `rollback-failed`. */
  verdict: string;
  healthy: boolean;
  rolledBack: boolean;
  reason: string;
  app?: string;
  analysis?: AnalysisReport;
  rollback?: RollbackReport;
  recovery?: AnalysisReport & { confirmed: boolean };
  /** Set when the rollback itself failed: the steps to finish it by hand. */
  manualSteps?: string[];
}

export function analysisReport(checks: readonly HealthCheck[], result: AnalysisResult): AnalysisReport {
  return {
    startedAt: result.startedAt,
    elapsedMs: result.elapsedMs,
    decidedAtMs: result.decidedAt,
    phase: result.state.phase,
    reason: result.state.reason,
    checks: result.state.checks.map((state) => {
      const check = checks.find((c) => c.name === state.name);
      return {
        name: state.name,
        kind: check?.kind ?? 'http',
        target: check ? describeCheck(check) : '',
        phase: state.phase,
        reason: state.reason,
        measurements: state.measurements,
        successful: state.successful,
        failed: state.failed,
        inconclusive: state.inconclusive,
        errors: state.errors,
      };
    }),
    measurements: result.measurements,
  };
}

const ICON: Record<string, string> = {
  successful: '✅',
  failed: '❌',
  inconclusive: '❔',
  error: '⚠️',
  running: '⏳',
};

/** One log line per measurement: `[30s] ready ❌ failed 503 in 4ms — status 503, expected 2xx`. */
export function timelineLine(m: Measurement): string {
  return `[${formatDuration(m.at)}] ${m.check} ${ICON[m.phase] ?? ''} ${m.phase} ${m.observed}${m.message ? ` — ${m.message}` : ''}`;
}

const MAX_TIMELINE_ROWS = 300;

function timelineTable(measurements: readonly Measurement[]): string {
  const rows = measurements
    .slice(0, MAX_TIMELINE_ROWS)
    .map((m) => [
      formatDuration(m.at),
      m.check,
      `${ICON[m.phase] ?? ''} ${m.phase}`,
      m.observed,
      m.message ?? '',
    ]);
  const more =
    measurements.length > MAX_TIMELINE_ROWS
      ? `\n\n…and ${measurements.length - MAX_TIMELINE_ROWS} more in the \`report\` output.`
      : '';
  return markdownTable(['at', 'check', 'result', 'observed', 'why'], rows) + more;
}

function checksTable(analysis: AnalysisReport): string {
  return markdownTable(
    ['check', 'looks at', 'verdict', 'ok / failed / inconclusive / error', 'why'],
    analysis.checks.map((c) => [
      c.name,
      c.target,
      `${ICON[c.phase] ?? ''} ${c.phase}`,
      `${c.successful} / ${c.failed} / ${c.inconclusive} / ${c.errors}`,
      c.reason ?? '',
    ]),
  );
}

const HEADLINE: Record<string, string> = {
  healthy: '✅ Healthy',
  'rolled-back': '↩️ Rolled back',
  unhealthy: '❌ Unhealthy (not rolled back)',
  inconclusive: '❔ Inconclusive',
  error: '⚠️ The analysis could not measure',
  'rollback-failed': '🚨 Unhealthy, and the rollback failed',
};

/** The job summary for a report. `title` names the action and app. */
export function healthSummary(title: string, report: HealthReport): SummaryBuilder {
  const summary = new SummaryBuilder();
  summary.heading(title, 2);
  summary.add(`**${HEADLINE[report.verdict] ?? report.verdict}** — ${report.reason}`);
  if (report.analysis) {
    const a = report.analysis;
    summary.add(
      `Analysis: ${a.measurements.length} measurement(s) over ${formatDuration(a.elapsedMs)}${
        a.decidedAtMs !== undefined ? `, decided at ${formatDuration(a.decidedAtMs)}` : ''
      }.\n\n${checksTable(a)}`,
    );
  }
  if (report.rollback) {
    const r = report.rollback;
    const to =
      r.strategy === 'argocd'
        ? `history id ${r.historyId} (revision \`${r.revision.slice(0, 7)}\`)`
        : `the revert \`${r.revision.slice(0, 7)}\` of \`${(r.revertedCommit ?? '').slice(0, 7)}\``;
    const lines = [
      `### Rollback`,
      `Rolled back with **${r.strategy}** to ${to}${r.images.length ? `; running ${r.images.map((i) => `\`${i}\``).join(', ')}` : ''}.`,
      r.fallbackReason ? `> [!NOTE]\n> ${r.fallbackReason}.` : '',
      `Rollback call ${formatDuration(r.timings.callMs)}, sync until Healthy ${formatDuration(r.timings.syncMs)}.`,
    ];
    summary.add(lines.filter(Boolean).join('\n\n'));
  }
  if (report.recovery) {
    const c = report.recovery;
    summary.add(
      `### Recovery ${c.confirmed ? '✅ confirmed' : '❌ not confirmed'}\n\n${c.reason ?? ''}\n\n${checksTable(c)}`,
    );
  }
  if (report.manualSteps?.length) {
    summary.add(`### Recover by hand\n\n${report.manualSteps.map((s, i) => `${i + 1}. ${s}`).join('\n')}`);
  }
  if (report.analysis?.measurements.length) {
    summary.add(
      details(
        `Timeline of the analysis (${report.analysis.measurements.length} probes)`,
        timelineTable(report.analysis.measurements),
      ),
    );
  }
  if (report.recovery?.measurements.length) {
    summary.add(
      details(
        `Timeline of the recovery check (${report.recovery.measurements.length} probes)`,
        timelineTable(report.recovery.measurements),
      ),
    );
  }
  return summary;
}
