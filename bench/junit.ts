/**
 * bench/junit: a generated 100,000-testcase JUnit report (5% failures with multi-line stack traces, 2%
 * skipped) parsed by Paved's streaming parser, by fast-xml-parser and by xml2js (what popular reporter
 * actions use), each in its own process so peak RSS is its own. Ratios are against xml2js measured in the
 * same run. Targets (issue 4): at least 5× faster than xml2js, at most a quarter of its peak memory.
 *
 * Then the whole test action (dist/test, as users run it: start-up, report search, parse, annotations,
 * summary, results file) on the same report, timed from spawn to exit with its own peak RSS, against
 * xml2js parsing the file alone. Targets (issue 16): at least 4× faster, at most a third of the memory.
 */
import { spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readOutputFile, runnerInputEnv } from '../test/support/runner-io.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const TESTS = 100_000;
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);

async function generate(path: string): Promise<{ failed: number; skipped: number }> {
  const out = createWriteStream(path);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
  let failed = 0;
  let skipped = 0;
  await write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench" tests="100000">\n');
  const perSuite = 500;
  for (let s = 0; s < TESTS / perSuite; s++) {
    await write(
      `  <testsuite name="com.example.module${s}.ServiceTest" tests="${perSuite}" time="12.5" timestamp="2024-05-01T10:00:00">\n`,
    );
    for (let t = 0; t < perSuite; t++) {
      const i = s * perSuite + t;
      const open = `    <testcase classname="com.example.module${s}.ServiceTest" name="handles case number ${i} &amp; friends" time="0.${(i % 997).toString().padStart(3, '0')}"`;
      if (i % 100 < 5) {
        failed++;
        const stack = Array.from(
          { length: 12 },
          (_, k) => `\tat com.example.module${s}.Layer${k}.call(Layer${k}.java:${10 + k})`,
        ).join('\n');
        await write(
          `${open}>\n      <failure message="expected: &lt;${i}&gt; but was: &lt;${i + 1}&gt;" type="org.opentest4j.AssertionFailedError"><![CDATA[org.opentest4j.AssertionFailedError: expected: <${i}> but was: <${i + 1}>\n${stack}\n]]></failure>\n      <system-out><![CDATA[log line for ${i}\n]]></system-out>\n    </testcase>\n`,
        );
      } else if (i % 100 < 7) {
        skipped++;
        await write(`${open}>\n      <skipped message="disabled on CI"/>\n    </testcase>\n`);
      } else {
        await write(`${open}/>\n`);
      }
    }
    await write('  </testsuite>\n');
  }
  await write('</testsuites>\n');
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return { failed, skipped };
}

interface Sample {
  ms: number;
  maxRssBytes: number;
  total: number;
  failed: number;
  skipped: number;
}

/** The child as one plain-JavaScript file, so no TypeScript loader inflates any row's time or memory. */
async function bundleChild(outfile: string): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(here, '_junit-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
}

function runChild(parser: string, file: string): Sample {
  const result = spawnSync(process.execPath, ['--max-old-space-size=4096', childScript, parser, file], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${parser} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop() as string) as Sample;
}

const dir = mkdtempSync(join(tmpdir(), 'paved-bench-junit-'));
const file = join(dir, 'workspace', 'reports', 'TEST-bench.xml');
mkdirSync(dirname(file), { recursive: true });
const expected = await generate(file);
const childScript = join(dir, 'junit-child.mjs');
await bundleChild(childScript);
console.log(
  `report: ${TESTS} testcases, ${expected.failed} failures, ${expected.skipped} skipped, ${(statSync(file).size / 1024 / 1024).toFixed(1)} MiB; best of ${RUNS} runs each`,
);

const actionBundle = join(root, 'dist', 'test', 'index.js');
const rssHook = join(dir, 'rss-hook.mjs');
// Loaded with --import into the action's process: reports its peak RSS when it exits.
writeFileSync(
  rssHook,
  "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.PAVED_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS * 1024)));\n",
);

/** The test action's whole run on the report, as a runner starts it: wall time from spawn to exit. */
function runAction(): Sample {
  const workspace = join(dir, 'workspace');
  const rssFile = join(dir, 'rss');
  const outputFile = join(dir, 'output');
  writeFileSync(outputFile, '');
  writeFileSync(join(dir, 'summary'), '');
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', rssHook, actionBundle], {
    cwd: workspace,
    encoding: 'utf8',
    env: {
      PATH: process.env['PATH'],
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      RUNNER_TEMP: join(dir, 'temp'),
      PAVED_BENCH_RSS_FILE: rssFile,
      ...runnerInputEnv(join(root, 'actions', 'test'), { reports: 'reports/*.xml', 'fail-on': 'nothing' }),
    },
  });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`the test action failed: ${result.stdout}${result.stderr}`);
  const outputs = readOutputFile(readFileSync(outputFile, 'utf8'));
  const output = (name: string) => Number(outputs[name]);
  return {
    ms,
    maxRssBytes: Number(readFileSync(rssFile, 'utf8')),
    total: output('total'),
    failed: output('failed'),
    skipped: output('skipped'),
  };
}

const parsers = [
  'baseline',
  'paved',
  'fast-xml-parser',
  'xml2js',
  ...(existsSync(actionBundle) ? ['test action'] : []),
];
if (!existsSync(actionBundle))
  console.log('dist/test is missing (node scripts/build.js test): the whole-action row is left out');
const best = new Map<string, Sample>();
for (let run = 0; run < RUNS; run++) {
  for (const parser of parsers) {
    const sample = parser === 'test action' ? runAction() : runChild(parser, file);
    if (
      parser !== 'baseline' &&
      (sample.total !== TESTS || sample.failed !== expected.failed || sample.skipped !== expected.skipped)
    ) {
      throw new Error(
        `${parser} counted ${JSON.stringify(sample)}, expected ${TESTS}/${expected.failed}/${expected.skipped}`,
      );
    }
    const prev = best.get(parser);
    best.set(
      parser,
      prev
        ? {
            ...prev,
            ms: Math.min(prev.ms, sample.ms),
            maxRssBytes: Math.min(prev.maxRssBytes, sample.maxRssBytes),
          }
        : sample,
    );
  }
}
rmSync(dir, { recursive: true, force: true });

const xml2js = best.get('xml2js') as Sample;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
console.log('');
console.log('parser            time      peak RSS   time vs xml2js   RSS vs xml2js');
for (const parser of parsers) {
  const s = best.get(parser) as Sample;
  console.log(
    `${parser.padEnd(16)} ${`${s.ms.toFixed(0)} ms`.padStart(8)}  ${mib(s.maxRssBytes).padStart(9)}   ${`${(xml2js.ms / s.ms).toFixed(1)}× faster`.padStart(14)}   ${`${((s.maxRssBytes / xml2js.maxRssBytes) * 100).toFixed(0)}%`.padStart(12)}`,
  );
}
const paved = best.get('paved') as Sample;
const speedup = xml2js.ms / paved.ms;
const memory = paved.maxRssBytes / xml2js.maxRssBytes;
console.log('');
console.log(
  `targets: ≥5× faster than xml2js → ${speedup.toFixed(1)}× ${speedup >= 5 ? 'met' : 'NOT met'}; ≤25% of its peak RSS → ${(memory * 100).toFixed(0)}% ${memory <= 0.25 ? 'met' : 'NOT met'}`,
);
console.log('(peak RSS includes Node itself: the baseline row streams the file through without parsing it)');
const action = best.get('test action');
if (action) {
  const whole = xml2js.ms / action.ms;
  const share = action.maxRssBytes / xml2js.maxRssBytes;
  console.log(
    `whole test action (spawn to exit) vs xml2js parsing alone: ≥4× faster → ${whole.toFixed(1)}× ${whole >= 4 ? 'met' : 'NOT met'}; ≤1/3 of its peak RSS → ${share.toFixed(2)} ${share <= 1 / 3 ? 'met' : 'NOT met'}`,
  );
}
