// The HTTP handler, separate from the listener so tests can drive it on any port.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createServer } from 'node:http';
import client from 'prom-client';
import { errorSchedule, parseFault } from './faults.js';

const root = new URL('..', import.meta.url);

function readJson(name) {
  try {
    return JSON.parse(readFileSync(new URL(name, root), 'utf8'));
  } catch {
    return {};
  }
}

/** Version and fault: SERVICE_VERSION / SAMPLE_FAULT, else build-info.json, else package.json. */
export function loadSettings(env = process.env) {
  const build = readJson('build-info.json');
  const pkg = readJson('package.json');
  return {
    version: env.SERVICE_VERSION || build.version || pkg.version || '0.0.0',
    fault: parseFault(env.SAMPLE_FAULT ?? build.fault ?? 'none'),
  };
}

export function createApp(settings = loadSettings()) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const requests = new client.Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const latency = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const failNext = settings.fault.kind === 'error-rate' ? errorSchedule(settings.fault.rate) : () => false;

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.setHeader('x-service-version', settings.version);
    if (url.pathname === '/healthz') {
      if (settings.fault.kind === 'readiness')
        return json(res, 503, { status: 'unready', reason: 'built with SAMPLE_FAULT=readiness' });
      return json(res, 200, { status: 'ok', version: settings.version });
    }
    if (url.pathname === '/metrics') {
      res.writeHead(200, { 'content-type': registry.contentType });
      return res.end(await registry.metrics());
    }
    if (url.pathname === '/') {
      if (failNext()) return json(res, 500, { error: 'injected failure (SAMPLE_FAULT=error-rate)' });
      return json(res, 200, { service: 'sample-service', version: settings.version, host: hostname() });
    }
    return json(res, 404, { error: `no route for ${url.pathname}` });
  }

  const server = createServer((req, res) => {
    const route = routeOf(req.url);
    const stop = latency.startTimer({ method: req.method, route });
    res.on('finish', () => {
      stop();
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    handle(req, res).catch((error) => {
      if (!res.headersSent) json(res, 500, { error: String(error?.message ?? error) });
    });
  });
  return { server, registry, settings };
}

/** Known routes keep their path; anything else is one label value, so scanners cannot blow up cardinality. */
function routeOf(url) {
  const path = new URL(url ?? '/', 'http://localhost').pathname;
  return ['/', '/healthz', '/metrics'].includes(path) ? path : 'other';
}

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}
