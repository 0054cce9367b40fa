/**
 * notify-slack end to end against the Slack stand-in, as ratios to `node -e 0` measured in the same run
 * (interleaved, medians): the failing path (bad input: the Slack clients are never loaded), a payload
 * refused by validation (parsed, templated, validated, nothing sent), a bot post, a bot update with a
 * thread reply, and a webhook post. Shows what lazy loading saves and what a real send costs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../test/support/bundles.js';
import { runnerInputEnv } from '../test/support/runner-io.js';
import { startSlackStandIn } from '../sandbox/slack/server.js';
import { median } from './_stats.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 15);
const bundle = join(repoRoot, 'dist/notify-slack/index.js');
const work = mkdtempSync(join(tmpdir(), 'bench-notify-slack-'));
const output = join(work, 'output');

async function timeRun(args: string[], inputs: Record<string, string>): Promise<number> {
  writeFileSync(output, '');
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    GITHUB_OUTPUT: output,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: '0123456789abcdef',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_RUN_ID: '1',
    NODE_NO_WARNINGS: '1',
  };
  Object.assign(env, runnerInputEnv(join(repoRoot, 'actions/notify-slack'), inputs));
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
  await new Promise((done) => child.on('close', done));
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const slack = await startSlackStandIn();
const bot = { token: slack.token, 'api-url': slack.apiUrl };
const first = await timeRun([bundle], { ...bot, channel: 'deploys', status: 'started' });
const ts = slack.conversation().messages[0]?.ts as string;
const channel = slack.channelId('deploys');
const oversized = JSON.stringify({
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }],
});

const cases: [string, string[], Record<string, string>][] = [
  ['node -e 0', ['-e', '0'], {}],
  ['bad input', [bundle], { ...bot, 'webhook-url': slack.webhookUrl('general'), status: 'success' }],
  ['refused payload', [bundle], { ...bot, channel: 'deploys', payload: oversized }],
  ['bot post', [bundle], { ...bot, channel: 'deploys', status: 'started' }],
  ['update + reply', [bundle], { ...bot, channel, ts, stage: 'deploy', status: 'success' }],
  ['webhook post', [bundle], { 'webhook-url': slack.webhookUrl('general'), status: 'success' }],
];
const samples = new Map(cases.map(([name]) => [name, [] as number[]]));
void first;
for (let i = 0; i < RUNS; i++) {
  for (const [name, args, inputs] of cases) (samples.get(name) as number[]).push(await timeRun(args, inputs));
}
await slack.stop();
rmSync(work, { recursive: true, force: true });

const base = median(samples.get('node -e 0') as number[]);
console.log(`notify-slack against the Slack stand-in on ${process.version}, median of ${RUNS} runs`);
console.log(`${'case'.padEnd(16)} ${'median ms'.padStart(10)} ${'vs node -e 0'.padStart(13)}`);
for (const [name] of cases) {
  const m = median(samples.get(name) as number[]);
  console.log(`${name.padEnd(16)} ${m.toFixed(1).padStart(10)} ${`${(m / base).toFixed(2)}x`.padStart(13)}`);
}
