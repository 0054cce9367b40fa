/**
 * The measures for people: a plain-text table (`paved metrics`), a Markdown section with a Mermaid chart
 * (the job summary; GitHub renders Mermaid there), and the weekly buckets both charts use.
 */
import type { Band, DoraMetrics } from './dora.js';

/** `45s`, `12m`, `3h 20m`, `2d 4h`; `—` for unknown. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? ` ${s % 60}s` : ''}`;
  if (s < 86_400)
    return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)}m` : ''}`;
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600) ? ` ${Math.floor((s % 86_400) / 3600)}h` : ''}`;
}

export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(rate > 0 && rate < 0.1 ? 1 : 0)}%`;
}

export function formatFrequency(perDay: number | null): string {
  if (perDay === null) return '—';
  if (perDay >= 1) return `${perDay.toFixed(perDay >= 10 ? 0 : 1)} per day`;
  return `${(perDay * 7).toFixed(1)} per week`;
}

const band = (b: Band | null): string => b ?? '—';

/** The four measures as rows: measure, value, band. */
export function measureRows(m: DoraMetrics): [string, string, string][] {
  return [
    [
      'Deployment frequency',
      `${formatFrequency(m.deployment_frequency_per_day)} (${m.deployments} deploy${m.deployments === 1 ? '' : 's'})`,
      band(m.bands.deployment_frequency),
    ],
    [
      'Lead time for changes',
      `median ${formatSeconds(m.lead_time_seconds.median)}, p90 ${formatSeconds(m.lead_time_seconds.p90)}`,
      band(m.bands.lead_time),
    ],
    [
      'Change failure rate',
      `${formatRate(m.change_failure_rate)} (${m.failed_deployments} of ${m.deployments})`,
      band(m.bands.change_failure_rate),
    ],
    [
      'Time to restore',
      `median ${formatSeconds(m.time_to_restore_seconds.median)}, p90 ${formatSeconds(m.time_to_restore_seconds.p90)}${m.unrestored ? ` (${m.unrestored} not restored yet)` : ''}`,
      band(m.bands.time_to_restore),
    ],
  ];
}

function scope(m: DoraMetrics): string {
  const what = [m.service ?? 'all services', m.environment ?? 'all environments'].join(' in ');
  return `${what}, ${m.since ? m.since.slice(0, 10) : '(no deploys)'} to ${m.until.slice(0, 10)}`;
}

/** The plain-text report of `paved metrics`. */
export function metricsText(m: DoraMetrics): string[] {
  const lines = [`DORA measures for ${scope(m)}`, ''];
  const rows = measureRows(m);
  const width = Math.max(...rows.map((r) => r[1].length));
  for (const [name, value, b] of rows) lines.push(`  ${name.padEnd(22)} ${value.padEnd(width)}  ${b}`);
  lines.push('', `  Bands: ${m.bands_source}.`);
  if (m.unattributed)
    lines.push(
      `  ${m.unattributed} deploy(s) carry no Paved trailers (unattributed): counted, lead time unknown.`,
    );
  if (m.deploys.length) {
    lines.push('', '  deploy   time                  lead time  outcome                 image');
    for (const d of m.deploys) {
      const outcome = d.failed
        ? `failed, restored ${d.restored_seconds === null ? 'not yet' : `in ${formatSeconds(d.restored_seconds)}`}`
        : 'ok';
      lines.push(
        `  ${d.commit.slice(0, 7)}  ${d.time}  ${formatSeconds(d.lead_time_seconds).padEnd(9)}  ${outcome.padEnd(22)}  ${d.image ?? (d.attributed ? '' : '(unattributed)')}${d.reapplies ? ` (re-applies ${d.reapplies.slice(0, 7)})` : ''}`,
      );
    }
  }
  return lines;
}

export interface WeekBucket {
  /** Start of the week, seconds. */
  start: number;
  label: string;
  deploys: number;
  failures: number;
  /** Median lead time of the week's deploys (seconds), null when none is known. */
  leadMedian: number | null;
}

/** Seven-day buckets from `since` to `until` (the last may be shorter). */
export function weeklyBuckets(m: DoraMetrics): WeekBucket[] {
  if (!m.since) return [];
  const since = Date.parse(m.since) / 1000;
  const until = Date.parse(m.until) / 1000;
  const count = Math.max(1, Math.ceil((until - since) / (7 * 86_400)));
  const buckets: WeekBucket[] = Array.from({ length: count }, (_, i) => {
    const start = since + i * 7 * 86_400;
    return {
      start,
      label: new Date(start * 1000).toISOString().slice(5, 10),
      deploys: 0,
      failures: 0,
      leadMedian: null,
    };
  });
  const leads: number[][] = buckets.map(() => []);
  for (const d of m.deploys) {
    const t = Date.parse(d.time) / 1000;
    const i = Math.min(count - 1, Math.max(0, Math.floor((t - since) / (7 * 86_400))));
    const bucket = buckets[i] as WeekBucket;
    bucket.deploys++;
    if (d.failed) bucket.failures++;
    if (d.lead_time_seconds !== null) (leads[i] as number[]).push(d.lead_time_seconds);
  }
  buckets.forEach((b, i) => {
    const values = (leads[i] as number[]).sort((x, y) => x - y);
    if (values.length) {
      const mid = (values.length - 1) / 2;
      b.leadMedian = ((values[Math.floor(mid)] as number) + (values[Math.ceil(mid)] as number)) / 2;
    }
  });
  return buckets;
}

/**
 * A Mermaid `xychart-beta` of deploys (bars) and failures (line) per week. Labels are quoted strings
 * and values plain numbers, so nothing from the history can break the chart's syntax.
 */
export function mermaidWeeklyChart(buckets: readonly WeekBucket[]): string {
  const max = Math.max(1, ...buckets.map((b) => b.deploys));
  return [
    '```mermaid',
    'xychart-beta',
    '    title "Deploys (bars) and failed deploys (line) per week"',
    `    x-axis [${buckets.map((b) => `"${b.label}"`).join(', ')}]`,
    `    y-axis "Deploys" 0 --> ${max}`,
    `    bar [${buckets.map((b) => b.deploys).join(', ')}]`,
    `    line [${buckets.map((b) => b.failures).join(', ')}]`,
    '```',
  ].join('\n');
}

function cell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
}

/** The "Delivery health" job-summary section: the four measures and the weekly chart. */
export function deliveryHealthMarkdown(
  m: DoraMetrics,
  options: { days: number; reportHint?: string },
): string {
  const rows = measureRows(m).map(([name, value, b]) => `| ${name} | ${cell(value)} | ${b} |`);
  const parts = [
    `### Delivery health: ${cell(m.service ?? 'all services')}${m.environment ? ` in ${cell(m.environment)}` : ''}, last ${options.days} days`,
    '',
    '| Measure | Value | DORA band |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ];
  if (m.deployments > 0) parts.push(mermaidWeeklyChart(weeklyBuckets(m)), '');
  parts.push(
    `Read from the GitOps repository (commit trailers and \`refs/notes/paved\`); bands: ${m.bands_source}.${m.unattributed ? ` ${m.unattributed} deploy(s) without Paved trailers are counted as unattributed.` : ''}${options.reportHint ? ` ${options.reportHint}` : ''}`,
  );
  return parts.join('\n');
}
