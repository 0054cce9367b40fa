/**
 * `paved metrics --html FILE`: one self-contained page (inline CSS and SVG, no scripts, no fonts or
 * libraries fetched) so it renders offline, attached to a ticket or opened from a CI artifact.
 */
import type { DoraMetrics } from './dora.js';
import { formatSeconds, measureRows, weeklyBuckets } from './render.js';

const W = 720;
const H = 200;
const PAD = 36;

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function frame(title: string, body: string): string {
  return `<figure><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}"><line x1="${PAD}" y1="${H - PAD}" x2="${W - 8}" y2="${H - PAD}" class="axis"/><line x1="${PAD}" y1="8" x2="${PAD}" y2="${H - PAD}" class="axis"/>${body}</svg></figure>`;
}

function weeklyChart(m: DoraMetrics): string {
  const buckets = weeklyBuckets(m);
  if (!buckets.length) return '';
  const max = Math.max(1, ...buckets.map((b) => b.deploys));
  const slot = (W - PAD - 8) / buckets.length;
  const y = (v: number): number => H - PAD - (v / max) * (H - PAD - 16);
  const bars = buckets
    .map((b, i) => {
      const x = PAD + i * slot + slot * 0.15;
      const w = slot * 0.7;
      const failed = b.failures
        ? `<rect x="${x.toFixed(1)}" y="${y(b.failures).toFixed(1)}" width="${w.toFixed(1)}" height="${(H - PAD - y(b.failures)).toFixed(1)}" class="fail"><title>${b.failures} failed</title></rect>`
        : '';
      return `<rect x="${x.toFixed(1)}" y="${y(b.deploys).toFixed(1)}" width="${w.toFixed(1)}" height="${(H - PAD - y(b.deploys)).toFixed(1)}" class="bar"><title>week of ${b.label}: ${b.deploys} deploys</title></rect>${failed}<text x="${(x + w / 2).toFixed(1)}" y="${H - PAD + 14}" class="label">${b.label}</text>`;
    })
    .join('');
  return frame(`Deploys per week (failed deploys in red), max ${max}`, bars);
}

function timeScale(m: DoraMetrics): (t: number) => number {
  const since = Date.parse(m.since ?? m.until) / 1000;
  const until = Math.max(since + 1, Date.parse(m.until) / 1000);
  return (t) => PAD + ((t - since) / (until - since)) * (W - PAD - 16);
}

function leadTimeChart(m: DoraMetrics): string {
  const points = m.deploys.filter((d) => d.lead_time_seconds !== null);
  if (!points.length) return '<p>No lead time recorded (no deploy carries Paved-Source-Time).</p>';
  const max = Math.max(1, ...points.map((d) => d.lead_time_seconds as number));
  const x = timeScale(m);
  const y = (v: number): number => H - PAD - (v / max) * (H - PAD - 16);
  const coords = points.map((d) => [x(Date.parse(d.time) / 1000), y(d.lead_time_seconds as number)] as const);
  const path = coords.map(([a, b], i) => `${i ? 'L' : 'M'}${a.toFixed(1)},${b.toFixed(1)}`).join(' ');
  const dots = points
    .map((d, i) => {
      const [a, b] = coords[i] as readonly [number, number];
      return `<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="3" class="${d.failed ? 'faildot' : 'dot'}"><title>${esc(d.commit.slice(0, 7))} ${esc(d.time)}: ${formatSeconds(d.lead_time_seconds)}</title></circle>`;
    })
    .join('');
  return frame(
    `Lead time per deploy (max ${formatSeconds(max)})`,
    `<path d="${path}" class="trend"/>${dots}`,
  );
}

function timeline(m: DoraMetrics): string {
  const failed = m.deploys.filter((d) => d.failed);
  if (!failed.length) return '<p>No failed deploys in this window.</p>';
  const x = timeScale(m);
  const row = (H - PAD - 16) / Math.max(1, failed.length);
  const marks = failed
    .map((d, i) => {
      const start = Date.parse(d.time) / 1000;
      const yy = 16 + i * row + row / 2;
      const end = d.restored_seconds === null ? undefined : x(start + d.restored_seconds);
      const span =
        end === undefined
          ? `<text x="${(x(start) + 6).toFixed(1)}" y="${(yy + 4).toFixed(1)}" class="label">not restored</text>`
          : `<line x1="${x(start).toFixed(1)}" y1="${yy.toFixed(1)}" x2="${Math.max(end, x(start) + 2).toFixed(1)}" y2="${yy.toFixed(1)}" class="restore"/>`;
      return `${span}<circle cx="${x(start).toFixed(1)}" cy="${yy.toFixed(1)}" r="4" class="faildot"><title>${esc(d.commit.slice(0, 7))} failed at ${esc(d.time)}; restored ${d.restored_seconds === null ? 'not yet' : `after ${formatSeconds(d.restored_seconds)}`}</title></circle>`;
    })
    .join('');
  return frame('Failed deploys (red) and time until restored (green)', marks);
}

/** The whole page. */
export function metricsHtml(m: DoraMetrics): string {
  const rows = measureRows(m)
    .map(
      ([name, value, band]) =>
        `<tr><th>${esc(name)}</th><td>${esc(value)}</td><td class="band ${band}">${esc(band)}</td></tr>`,
    )
    .join('');
  const deploys = m.deploys
    .map(
      (d) =>
        `<tr><td><code>${esc(d.commit.slice(0, 12))}</code></td><td>${esc(d.time)}</td><td>${esc(d.image ?? (d.attributed ? '' : 'unattributed'))}</td><td>${formatSeconds(d.lead_time_seconds)}</td><td>${d.failed ? `failed, restored ${d.restored_seconds === null ? 'not yet' : `in ${formatSeconds(d.restored_seconds)}`}` : 'ok'}</td></tr>`,
    )
    .join('');
  const title = `Delivery metrics: ${m.service ?? 'all services'}${m.environment ? ` in ${m.environment}` : ''}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:760px;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left}
figure{margin:1.5em 0}figcaption{font-weight:600;margin-bottom:4px}
.axis{stroke:#888}.bar{fill:#4a7bd0}.fail{fill:#d04a4a}.trend{fill:none;stroke:#4a7bd0;stroke-width:1.5}
.dot{fill:#4a7bd0}.faildot{fill:#d04a4a}.restore{stroke:#3a9a4a;stroke-width:4}.label{font-size:10px;text-anchor:middle;fill:#555}
.band.elite{color:#1a7a2a;font-weight:600}.band.high{color:#3a8a3a}.band.medium{color:#a07000}.band.low{color:#b03030}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${esc(m.since ?? 'no deploys')} to ${esc(m.until)}. Read from the GitOps repository's commit trailers and refs/notes/paved. Bands: ${esc(m.bands_source)}.</p>
<table><tr><th>Measure</th><th>Value</th><th>DORA band</th></tr>${rows}</table>
${weeklyChart(m)}
${leadTimeChart(m)}
${timeline(m)}
<h2>Deploys</h2>
<table><tr><th>Commit</th><th>Time (UTC)</th><th>Image</th><th>Lead time</th><th>Outcome</th></tr>${deploys}</table>
</body></html>
`;
}
