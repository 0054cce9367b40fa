/**
 * A real Prometheus for tests and `paved run --sandbox`: Debian's `prometheus` on 127.0.0.1 on a free
 * port, with a temporary TSDB and a config that scrapes the given targets. Targets can be changed while
 * it runs (the config is rewritten and reloaded through `/-/reload`), which is what a rollback that moves
 * the service to another port needs. Stopping it removes the TSDB.
 *
 * Prometheus takes a few seconds after start before the first sample lands; {@link LocalPrometheus.waitForSeries}
 * waits for a series instead of sleeping a guessed time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PavedError } from '../shared/errors.js';
import { answers, freePort, requireCommand, spawnService, waitFor, type ServiceProcess } from './process.js';

export interface ScrapeTarget {
  /** `host:port` of a /metrics endpoint. */
  address: string;
  /** Labels added to every series from this target (e.g. `{ app: 'sample' }`). */
  labels?: Record<string, string>;
  /** Metrics path; default `/metrics`. */
  metricsPath?: string;
}

export interface LocalPrometheusOptions {
  targets: ScrapeTarget[];
  /** Scrape and rule-evaluation interval. Default `1s`, so tests see changes quickly. */
  scrapeInterval?: string;
  port?: number;
}

export interface LocalPrometheus {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  service: ServiceProcess;
  /** Replace the scrape targets and reload the config. */
  setTargets(targets: ScrapeTarget[]): Promise<void>;
  /** Wait until `query` returns at least one series (the first scrapes take a few seconds). */
  waitForSeries(query: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The Prometheus config for `targets`: one job per metrics path, labels per target. */
export function prometheusConfig(targets: ScrapeTarget[], scrapeInterval: string): string {
  const byPath = new Map<string, ScrapeTarget[]>();
  for (const target of targets) {
    const path = target.metricsPath ?? '/metrics';
    byPath.set(path, [...(byPath.get(path) ?? []), target]);
  }
  const jobs = [...byPath.entries()].map(([path, group], index) => {
    const staticConfigs = group
      .map((t) => {
        const labels = Object.entries(t.labels ?? {})
          .map(([k, v]) => `          ${k}: ${JSON.stringify(v)}`)
          .join('\n');
        return `      - targets: [${JSON.stringify(t.address)}]${labels ? `\n        labels:\n${labels}` : ''}`;
      })
      .join('\n');
    return `  - job_name: ${JSON.stringify(index === 0 ? 'paved' : `paved-${index}`)}
    metrics_path: ${JSON.stringify(path)}
    static_configs:
${staticConfigs}`;
  });
  return `global:
  scrape_interval: ${scrapeInterval}
  scrape_timeout: ${scrapeInterval}
  evaluation_interval: ${scrapeInterval}
scrape_configs:
${jobs.length ? jobs.join('\n') : '  []'}
`;
}

/** Start Prometheus and wait until it is ready. Fails with an install hint when it is missing. */
export async function startPrometheus(options: LocalPrometheusOptions): Promise<LocalPrometheus> {
  const binary = requireCommand('prometheus', 'prometheus');
  const port = options.port ?? (await freePort());
  const work = mkdtempSync(join(tmpdir(), 'paved-prometheus-'));
  const configFile = join(work, 'prometheus.yml');
  const scrapeInterval = options.scrapeInterval ?? '1s';
  writeFileSync(configFile, prometheusConfig(options.targets, scrapeInterval));
  const service = spawnService(`prometheus :${port}`, binary, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(work, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-lifecycle',
    '--storage.tsdb.retention.time=1h',
    // Lookback defaults to 5m: a stopped target's last sample would keep answering instant queries.
    '--query.lookback-delta=15s',
    '--log.level=warn',
  ]);
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    await service.stop();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    await waitFor(`prometheus on ${url}`, () => answers(`${url}/-/ready`, true), {
      process: service.child,
      output: service.output,
      timeoutMs: 30_000,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    port,
    service,
    stop,
    async setTargets(targets) {
      writeFileSync(configFile, prometheusConfig(targets, scrapeInterval));
      const response = await fetch(`${url}/-/reload`, {
        method: 'POST',
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok)
        throw new PavedError(
          `prometheus refused the new config: ${response.status} ${await response.text()}`,
        );
    },
    async waitForSeries(query, timeoutMs = 30_000) {
      await waitFor(
        `prometheus series for ${query}`,
        async () => {
          const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`, {
            signal: AbortSignal.timeout(5000),
          });
          const body = (await response.json()) as { data?: { result?: unknown[] } };
          return (body.data?.result?.length ?? 0) > 0;
        },
        { timeoutMs, intervalMs: 250, process: service.child, output: service.output },
      );
    },
  };
}
