// The sample service as the golden path uses it: started as a process with PORT, probed over HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { ensureSampleServiceDependencies } from './dependencies.js';
import { mkdtempSync, cpSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, stopProcess, waitFor } from '../../../sandbox/process.js';
import { errorSchedule, parseFault } from '../src/faults.js';

const serviceDir = join(import.meta.dirname, '..');
const children: ChildProcess[] = [];

async function start(dir: string, env: Record<string, string> = {}): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, ['src/server.js'], {
    cwd: dir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor('sample-service', async () => (await fetch(`${url}/metrics`)).ok, {
    process: child,
    output: () => output,
    timeoutMs: 15_000,
  });
  return url;
}

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => stopProcess(child)));
});

describe('fault switch', () => {
  it.each([
    ['', { kind: 'none' }],
    ['none', { kind: 'none' }],
    ['readiness', { kind: 'readiness' }],
    ['error-rate=0.25', { kind: 'error-rate', rate: 0.25 }],
    ['error-rate=1', { kind: 'error-rate', rate: 1 }],
  ])('parses %j', (spec, expected) => {
    expect(parseFault(spec)).toEqual(expected);
  });

  it.each(['error-rate=2', 'error-rate', 'sometimes'])('refuses %j with the accepted forms', (spec) => {
    expect(() => parseFault(spec)).toThrow(/none, readiness or error-rate=<0\.\.1>/);
  });

  it.each([0, 0.1, 0.25, 0.5, 1])('fails exactly rate·N of N requests at rate %d', (rate) => {
    const fail = errorSchedule(rate);
    const failures = Array.from({ length: 100 }, fail).filter(Boolean).length;
    expect(failures).toBe(Math.round(100 * rate));
  });
});

describe('sample-service over HTTP', () => {
  it('answers /healthz, the version header and Prometheus metrics with counts by status and a latency histogram', async () => {
    ensureSampleServiceDependencies();
    const url = await start(serviceDir, { SERVICE_VERSION: '9.9.9' });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-service-version')).toBe('9.9.9');
    expect(await health.json()).toEqual({ status: 'ok', version: '9.9.9' });
    expect((await fetch(`${url}/`)).status).toBe(200);
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/healthz",status="200"\} 1$/m);
    expect(text).toMatch(/^http_requests_total\{method="GET",route="other",status="404"\} 1$/m);
    expect(text).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/"\} 1$/m);
  });

  it('a build configured with --fault readiness never becomes ready', async () => {
    ensureSampleServiceDependencies();
    const dir = mkdtempSync(join(tmpdir(), 'sample-service-'));
    try {
      cpSync(serviceDir, dir, {
        recursive: true,
        filter: (src) => !src.includes(`${join(serviceDir, 'test')}`),
      });
      writeFileSync(
        join(dir, 'build-info.json'),
        JSON.stringify({ version: '2.0.0-bad', fault: 'readiness' }),
      );
      const url = await start(dir);
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(503);
      expect(health.headers.get('x-service-version')).toBe('2.0.0-bad');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SAMPLE_FAULT=error-rate=0.5 answers half of the requests to / with 500', async () => {
    ensureSampleServiceDependencies();
    const url = await start(serviceDir, { SAMPLE_FAULT: 'error-rate=0.5' });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await fetch(`${url}/`)).status);
    expect(statuses.filter((s) => s === 500)).toHaveLength(5);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/",status="500"\} 5$/m);
  });

  it('refuses a malformed PORT with exit code 2', async () => {
    const child = spawn(process.execPath, ['src/server.js'], {
      cwd: serviceDir,
      env: { ...process.env, PORT: 'eighty' },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('PORT must be a port number');
  });
});
