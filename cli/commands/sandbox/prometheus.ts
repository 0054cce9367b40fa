/**
 * `paved sandbox prometheus`: run a real Prometheus (Debian package) in the foreground, scraping the
 * given targets (e.g. the Service URL the Argo CD stand-in prints for an app), until Ctrl-C. Prints the
 * URL to pass to health-check's `prometheus-url`.
 */
import type { SandboxSubcommand } from '../sandbox.js';

const usage = 'paved sandbox prometheus [--port N] [--scrape-interval 1s] [--target [NAME=]HOST:PORT]…';

export const subcommand: SandboxSubcommand = {
  name: 'prometheus',
  summary: 'run Prometheus scraping the given targets (label app=NAME) until Ctrl-C',
  usage,
  async run(args, io) {
    let port: number | undefined;
    let scrapeInterval = '1s';
    const targets: { address: string; labels?: Record<string, string> }[] = [];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string;
      const flagEnd = /^--[a-z-]+=/.test(arg) ? arg.indexOf('=') : -1;
      const [flag, inline] = flagEnd > 0 ? [arg.slice(0, flagEnd), arg.slice(flagEnd + 1)] : [arg, undefined];
      const value = (): string => inline ?? (args[++i] as string | undefined) ?? '';
      if (flag === '--port') {
        const text = value();
        if (!/^\d{1,5}$/.test(text) || Number(text) > 65535)
          return io.usageError(`--port must be a port number; got ${JSON.stringify(text)}`);
        port = Number(text);
      } else if (flag === '--scrape-interval') {
        scrapeInterval = value();
        if (!/^\d+(ms|s|m)$/.test(scrapeInterval))
          return io.usageError(
            `--scrape-interval must be a duration like 1s or 15s; got ${JSON.stringify(scrapeInterval)}`,
          );
      } else if (flag === '--target') {
        const match = /^(?:([a-zA-Z_][\w-]*)=)?(?:https?:\/\/)?([^/=\s]+:\d{1,5})\/?$/.exec(value());
        if (!match)
          return io.usageError(
            `--target must look like shop=127.0.0.1:8080 or 127.0.0.1:8080; got ${JSON.stringify(args[i])}`,
          );
        targets.push({ address: match[2] as string, labels: match[1] ? { app: match[1] } : undefined });
      } else return io.usageError(`unknown option ${JSON.stringify(arg)}; usage: ${usage}`);
    }
    const { startPrometheus } = await import('../../../sandbox/prometheus.js');
    const prometheus = await startPrometheus({ targets, scrapeInterval, port });
    io.out(`Prometheus on ${prometheus.url} (use it as health-check's prometheus-url)`);
    for (const target of targets)
      io.out(
        `  scraping ${target.address}/metrics every ${scrapeInterval}${target.labels ? ` as app="${target.labels['app']}"` : ''}`,
      );
    io.out('  the first samples land a few seconds after start');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await prometheus.stop();
    return 0;
  },
};
