import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runCli } from '../../../cli/main.js';

const repo = join(import.meta.dirname, '../../..');

test('paved sandbox actions-cache prints the step environment, answers Twirp, and stops on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'paved-cache-cli-'));
  const child = spawn(
    process.execPath,
    [
      join(repo, 'node_modules/tsx/dist/cli.mjs'),
      join(repo, 'cli/index.ts'),
      'sandbox',
      'actions-cache',
      '--dir',
      dir,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const env = await new Promise<Record<string, string>>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Stop with Ctrl-C.')) {
        resolve(
          Object.fromEntries(
            [...output.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1] as string, m[2] as string]),
          ),
        );
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
  expect(Object.keys(env)).toEqual([
    'ACTIONS_RESULTS_URL',
    'ACTIONS_RUNTIME_TOKEN',
    'ACTIONS_CACHE_SERVICE_V2',
  ]);
  const response = await fetch(
    new URL(
      'twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL',
      env['ACTIONS_RESULTS_URL'],
    ),
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${env['ACTIONS_RUNTIME_TOKEN']}`,
      },
      body: JSON.stringify({ key: 'k', version: 'v' }),
    },
  );
  expect(await response.json()).toEqual({ ok: false, signed_download_url: '', matched_key: '' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

test('a bad flag is a usage error (exit 2)', async () => {
  const errors: string[] = [];
  const code = await runCli(['sandbox', 'actions-cache', '--port', 'x'], {
    cwd: repo,
    env: {},
    out: () => undefined,
    err: (line) => errors.push(line),
    usageError: (message) => {
      errors.push(message);
      return 2;
    },
    interactive: false,
  });
  expect(code).toBe(2);
  expect(errors[0]).toMatch(/sandbox actions-cache: unexpected "--port"/);
});
