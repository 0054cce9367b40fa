// The service's own tests as its pipeline runs them (`npm test`: node's test runner, JUnit report for the
// test action). The thorough tests live beside this file in sample-service.test.ts (the Paved repo runs
// them with vitest); these need nothing but node and the service's dependencies.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApp } from '../src/app.js';

let server;
let base;

before(async () => {
  ({ server } = createApp({ version: '0.0.0-test', fault: { kind: 'none' } }));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => new Promise((resolve) => server.close(resolve)));

test('/healthz answers ok with the version', async () => {
  const response = await fetch(`${base}/healthz`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: 'ok', version: '0.0.0-test' });
  assert.equal(response.headers.get('x-service-version'), '0.0.0-test');
});

test('/ answers 200 with the service name', async () => {
  const response = await fetch(`${base}/`);
  assert.equal(response.status, 200);
  assert.equal((await response.json()).service, 'sample-service');
});

test('/metrics counts requests by route and status', async () => {
  const text = await (await fetch(`${base}/metrics`)).text();
  assert.match(text, /http_requests_total\{[^}]*route="\/healthz"[^}]*status="200"[^}]*\} 1/);
});

test('an unknown path is 404', async () => {
  const response = await fetch(`${base}/nope`);
  assert.equal(response.status, 404);
  await response.body?.cancel();
});
