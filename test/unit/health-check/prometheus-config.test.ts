import { expect, test } from 'vitest';
import { prometheusConfig } from '../../../sandbox/prometheus.js';

test('the sandbox Prometheus config: one job per metrics path, labels per target', () => {
  expect(
    prometheusConfig(
      [
        { address: '127.0.0.1:8080', labels: { app: 'shop' } },
        { address: '127.0.0.1:8081' },
        { address: '127.0.0.1:9100', metricsPath: '/custom' },
      ],
      '1s',
    ),
  ).toBe(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: "paved"
    metrics_path: "/metrics"
    static_configs:
      - targets: ["127.0.0.1:8080"]
        labels:
          app: "shop"
      - targets: ["127.0.0.1:8081"]
  - job_name: "paved-1"
    metrics_path: "/custom"
    static_configs:
      - targets: ["127.0.0.1:9100"]
`);
  expect(prometheusConfig([], '5s')).toContain('scrape_configs:\n  []');
});
