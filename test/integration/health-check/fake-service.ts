/**
 * A small real HTTP service for the health-check tests: `/healthz` answers JSON, `/metrics` counts
 * requests by status in Prometheus' text format, and the test switches what it answers (status, delay,
 * or a script of statuses for flapping) while it runs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeService {
  url: string;
  address: string;
  /** Next statuses to answer on /healthz, consumed one per request; then `status`. */
  script: number[];
  status: number;
  delayMs: number;
  /** Count `n` requests with status `code` (what a load generator would have caused). */
  count(code: number, n: number): void;
  requests: number;
  close(): Promise<void>;
}

export async function startFakeService(): Promise<FakeService> {
  const counts = new Map<number, number>();
  const service = {
    script: [] as number[],
    status: 200,
    delayMs: 0,
    requests: 0,
    count(code: number, n: number) {
      counts.set(code, (counts.get(code) ?? 0) + n);
    },
  };
  const server: Server = createServer((req, res) => {
    if (req.url === '/metrics') {
      const lines = ['# TYPE http_requests_total counter'];
      for (const [code, n] of counts) lines.push(`http_requests_total{code="${code}"} ${n}`);
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
      return;
    }
    service.requests++;
    const status = service.script.length ? (service.script.shift() as number) : service.status;
    setTimeout(() => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          status: status < 400 ? 'ok' : 'failing',
          auth: req.headers['authorization'] ?? null,
        }),
      );
    }, service.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(service, {
    url: `http://127.0.0.1:${port}`,
    address: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
