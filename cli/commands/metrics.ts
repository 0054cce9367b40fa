/**
 * `paved metrics`: the four DORA measures read from a GitOps repository's own record (deploy commit
 * trailers and refs/notes/paved); see docs/paved-metrics.md.
 */
import type { Command } from '../command.js';

const usage =
  'paved metrics --repo PATH|URL [--branch B] [--service S] [--environment E] [--since DATE] [--until DATE] [--json] [--html FILE]';
const DATE_FORM =
  'a date like 2026-03-01, a time like 2026-03-01T10:00:00+01:00, or a number of days back like 30d';

/** A --since/--until value in seconds: a UTC date, an ISO 8601 time with zone, or `Nd` before `now`. */
export function parseDateOption(value: string, now: number, endOfDay: boolean): number | undefined {
  const days = /^(\d{1,5})d$/.exec(value);
  if (days) return now - Number(days[1]) * 86_400;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const ms = Date.parse(`${value}T00:00:00Z`);
    return Number.isNaN(ms) ? undefined : ms / 1000 + (endOfDay ? 86_400 - 1 : 0);
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    return Number.isNaN(ms) ? undefined : ms / 1000;
  }
  return undefined;
}

export const command: Command = {
  name: 'metrics',
  summary:
    'DORA measures (deploy frequency, lead time, change failure rate, time to restore) from a GitOps repo',
  usage,
  async run(args, io) {
    const options: Record<string, string> = {};
    let json = false;
    const valued = ['--repo', '--branch', '--service', '--environment', '--since', '--until', '--html'];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string;
      const eq = arg.indexOf('=');
      const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
      if (name === '--json') json = true;
      else if (valued.includes(name)) {
        const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : args[++i];
        if (value === undefined || value === '' || (eq < 0 && value.startsWith('--')))
          return io.usageError(`${name} needs a value; usage: ${usage}`);
        options[name] = value;
      } else return io.usageError(`unexpected ${JSON.stringify(arg)}; usage: ${usage}`);
    }
    const repo = options['--repo'];
    if (!repo) return io.usageError(`--repo is required: a GitOps clone's path or its URL; usage: ${usage}`);
    if (json && options['--html'])
      return io.usageError(
        '--json and --html cannot go together: --json prints the object, --html writes a page',
      );
    const now = Math.floor(Date.now() / 1000);
    const since =
      options['--since'] === undefined ? undefined : parseDateOption(options['--since'], now, false);
    const until =
      options['--until'] === undefined ? undefined : parseDateOption(options['--until'], now, true);
    if (options['--since'] !== undefined && since === undefined)
      return io.usageError(`--since must be ${DATE_FORM}; got ${JSON.stringify(options['--since'])}`);
    if (options['--until'] !== undefined && until === undefined)
      return io.usageError(`--until must be ${DATE_FORM}; got ${JSON.stringify(options['--until'])}`);
    if (since !== undefined && until !== undefined && since > until)
      return io.usageError(`--since (${options['--since']}) is after --until (${options['--until']})`);

    const { openRecord } = await import('../metrics/open.js');
    const { classifyHistory, computeMetrics, readHistory, metricsText } =
      await import('../../shared/metrics/index.js');
    const record = await openRecord(repo, options['--branch'], io.cwd, io.env);
    try {
      const commits = await readHistory(record.gitDir, { ref: record.ref });
      const metrics = computeMetrics(
        classifyHistory(commits),
        { service: options['--service'], environment: options['--environment'], since, until },
        now,
      );
      if (json) {
        io.out(JSON.stringify(metrics, null, 2));
        return 0;
      }
      for (const line of metricsText(metrics)) io.out(line);
      const html = options['--html'];
      if (html) {
        const { writeFileSync } = await import('node:fs');
        const { resolve } = await import('node:path');
        const { metricsHtml } = await import('../../shared/metrics/html.js');
        const file = resolve(io.cwd, html);
        writeFileSync(file, metricsHtml(metrics));
        io.out('');
        io.out(`Report written to ${file}`);
      }
      return 0;
    } finally {
      record.dispose();
    }
  },
};
