/** Rendering the measures: bands at their edges, the Mermaid chart's syntax, and the summary section. */
import { describe, expect, test } from 'vitest';
import {
  computeMetrics,
  deliveryHealthMarkdown,
  formatSeconds,
  mermaidWeeklyChart,
  quantile,
  weeklyBuckets,
  type Deploy,
} from '../../../shared/metrics/index.js';

const day = 86_400;
function deploy(time: number, extra: Partial<Deploy> = {}): Deploy {
  return {
    commit: `${time}`.padStart(40, '0'),
    time,
    timeIso: '',
    subject: '',
    service: 'shop',
    environment: 'prod',
    image: 'reg/shop:1',
    sourceCommit: undefined,
    sourceTime: undefined,
    runUrl: undefined,
    attributed: true,
    health: [],
    rollbacks: [],
    ...extra,
  };
}

describe('bands (DORA 2023, read as contiguous thresholds)', () => {
  const T = 1_800_000_000;
  test.each([
    // deploys per day over a 7-day window -> band
    [7, 'elite'],
    [6, 'high'],
    [1, 'high'],
    [0, 'low'],
  ])('%i deploys in a week: deployment frequency %s', (count, band) => {
    const deploys = Array.from({ length: count }, (_, i) => deploy(T + i * 3600));
    const m = computeMetrics(deploys, { since: T, until: T + 7 * day }, T + 7 * day);
    expect(m.bands.deployment_frequency).toBe(band);
  });

  test.each([
    [day, 'elite'],
    [day + 1, 'high'],
    [7 * day, 'high'],
    [30 * day, 'medium'],
    [30 * day + 1, 'low'],
  ])('lead time %is: %s', (lead, band) => {
    const m = computeMetrics([deploy(T, { sourceTime: T - lead })], {}, T);
    expect(m.bands.lead_time).toBe(band);
  });

  test.each([
    [3600, 'elite'],
    [3601, 'high'],
    [day, 'high'],
    [7 * day, 'medium'],
    [7 * day + 1, 'low'],
  ])('time to restore %is: %s', (restore, band) => {
    const failed = deploy(T, { rollbacks: [{ how: 'argocd', time: T + restore }] });
    expect(computeMetrics([failed], {}, T + 8 * day).bands.time_to_restore).toBe(band);
  });

  test.each([
    [1, 20, 'elite'],
    [2, 20, 'high'],
    [3, 20, 'medium'],
    [4, 20, 'low'],
  ])('%i failed of %i: change failure rate %s', (failed, total, band) => {
    const deploys = Array.from({ length: total }, (_, i) =>
      deploy(T + i, i < failed ? { health: [{ verdict: 'unhealthy', time: T + i }] } : {}),
    );
    expect(computeMetrics(deploys, {}, T + day).bands.change_failure_rate).toBe(band);
  });
});

test.each([
  [[], 0.5, null],
  [[5], 0.9, 5],
  [[1, 2, 3, 4], 0.5, 2.5],
  [[10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9, 91],
])('quantile(%j, %d) = %j', (values, q, expected) => {
  expect(quantile(values, q)).toBe(expected);
});

test.each([
  [null, '—'],
  [42, '42s'],
  [90, '1m 30s'],
  [3 * 3600 + 20 * 60, '3h 20m'],
  [2 * day + 4 * 3600, '2d 4h'],
])('formatSeconds(%j) = %s', (seconds, text) => {
  expect(formatSeconds(seconds)).toBe(text);
});

describe('the Mermaid chart and the summary section', () => {
  const T = Date.parse('2026-03-01T00:00:00Z') / 1000;
  const deploys = [
    deploy(T + 3600),
    deploy(T + day, { health: [{ verdict: 'unhealthy', time: T + day + 60 }] }),
    deploy(T + 9 * day),
    deploy(T + 29 * day),
  ];
  const m = computeMetrics(
    deploys,
    { service: 'shop', environment: 'prod', since: T, until: T + 30 * day },
    T + 30 * day,
  );

  test('weekly buckets cover the window', () => {
    expect(weeklyBuckets(m).map((b) => [b.label, b.deploys, b.failures])).toEqual([
      ['03-01', 2, 1],
      ['03-08', 1, 0],
      ['03-15', 0, 0],
      ['03-22', 0, 0],
      ['03-29', 1, 0],
    ]);
  });

  test('xychart-beta with quoted labels, a y range above zero, and one value per label', () => {
    const chart = mermaidWeeklyChart(weeklyBuckets(m)).split('\n');
    expect(chart[0]).toBe('```mermaid');
    expect(chart[1]).toBe('xychart-beta');
    expect(chart.at(-1)).toBe('```');
    const body = chart.slice(2, -1).map((l) => l.trim());
    expect(body[0]).toMatch(/^title "[^"]+"$/);
    const labels = /^x-axis \[((?:"[^"]*"(?:, )?)+)\]$/.exec(body[1] as string)?.[1]?.split(', ') ?? [];
    expect(labels).toHaveLength(5);
    expect(body[2]).toMatch(/^y-axis "Deploys" 0 --> [1-9]\d*$/);
    for (const series of [body[3], body[4]]) {
      const values = /^(?:bar|line) \[([\d, ]+)\]$/.exec(series as string)?.[1]?.split(', ');
      expect(values).toHaveLength(labels.length);
    }
  });

  test('the summary section names the scope, the measures and their bands', () => {
    const md = deliveryHealthMarkdown(m, { days: 30 });
    expect(md).toContain('### Delivery health: shop in prod, last 30 days');
    expect(md).toContain('| Change failure rate | 25% (1 of 4) | low |');
    expect(md).toContain('```mermaid\nxychart-beta');
    const empty = computeMetrics([], { service: 'shop', since: T, until: T + 30 * day }, T + 30 * day);
    const none = deliveryHealthMarkdown(empty, { days: 30 });
    expect(none).toContain('| Lead time for changes | median —, p90 — | — |');
    expect(none).not.toContain('mermaid');
  });
});
