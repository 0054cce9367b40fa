/**
 * The cache stand-in against the real, unmodified @actions/cache client (saveCache/restoreCache) and the
 * real Azure Storage SDK it uses for blob transfer.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import * as cache from '@actions/cache';
import { BlobClient } from '@azure/storage-blob';
import { startCacheService, type CacheService } from '../../../sandbox/actions-cache/service.js';

let service: CacheService;
let serviceDir: string;
let work: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  serviceDir = mkdtempSync(join(tmpdir(), 'paved-cache-svc-'));
  work = mkdtempSync(join(tmpdir(), 'paved-cache-work-'));
  service = await startCacheService({ dir: serviceDir });
  Object.assign(process.env, service.env, {
    RUNNER_TEMP: join(work, 'runner-temp'),
    GITHUB_SERVER_URL: 'https://github.com',
  });
  mkdirSync(join(work, 'runner-temp'), { recursive: true });
  process.chdir(work);
});

afterAll(async () => {
  await service.stop();
  process.env = savedEnv;
  rmSync(serviceDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

afterEach(() => {
  rmSync(join(work, 'deps'), { recursive: true, force: true });
});

function writeDeps(content: string): void {
  mkdirSync(join(work, 'deps', 'nested'), { recursive: true });
  writeFileSync(join(work, 'deps', 'a.txt'), content);
  writeFileSync(join(work, 'deps', 'nested', 'b.bin'), Buffer.alloc(70_000, 7));
}

describe('with the real @actions/cache client', () => {
  test('the client uses cache service v2 with this environment', () => {
    expect(service.env).toEqual({
      ACTIONS_RESULTS_URL: service.url,
      ACTIONS_RUNTIME_TOKEN: expect.stringMatching(/^[0-9a-f]{48}$/),
      ACTIONS_CACHE_SERVICE_V2: 'true',
    });
    expect(cache.isFeatureAvailable()).toBe(true);
  });

  test('save then restore round-trips the files; exact key is reported', async () => {
    writeDeps('one');
    const id = await cache.saveCache(['deps'], 'Linux-npm-aaa');
    expect(id).toBeGreaterThan(0);
    rmSync(join(work, 'deps'), { recursive: true });
    const hit = await cache.restoreCache(['deps'], 'Linux-npm-aaa');
    expect(hit).toBe('Linux-npm-aaa');
    expect(readFileSync(join(work, 'deps', 'a.txt'), 'utf8')).toBe('one');
    expect(readFileSync(join(work, 'deps', 'nested', 'b.bin')).length).toBe(70_000);
    const entry = service.entries().find((e) => e.key === 'Linux-npm-aaa');
    expect(entry).toMatchObject({ finalized: true, id });
    expect(entry?.sizeBytes).toBeGreaterThan(0);
  });

  test('a key miss with no restore keys returns undefined and restores nothing', async () => {
    expect(await cache.restoreCache(['deps'], 'Linux-npm-nothing-like-this')).toBeUndefined();
  });

  test('restore keys match by prefix, newest first; the primary key is also a prefix', async () => {
    writeDeps('older');
    await cache.saveCache(['deps'], 'Linux-pip-111');
    await new Promise((r) => setTimeout(r, 10));
    writeDeps('newer');
    await cache.saveCache(['deps'], 'Linux-pip-222');
    rmSync(join(work, 'deps'), { recursive: true });

    expect(await cache.restoreCache(['deps'], 'Linux-pip-333', ['Linux-pip-'])).toBe('Linux-pip-222');
    expect(readFileSync(join(work, 'deps', 'a.txt'), 'utf8')).toBe('newer');
    // GitHub: "If there is no exact match, it searches for prefix-matches for key".
    expect(await cache.restoreCache(['deps'], 'Linux-pip-1')).toBe('Linux-pip-111');
    // Restore keys are tried in order: the first that matches wins even if a later one is newer.
    expect(await cache.restoreCache(['deps'], 'nope', ['Linux-pip-1', 'Linux-pip-'])).toBe('Linux-pip-111');
  });

  test('an exact key match wins over a newer prefix match', async () => {
    writeDeps('exact');
    await cache.saveCache(['deps'], 'Linux-go-x');
    writeDeps('longer');
    await cache.saveCache(['deps'], 'Linux-go-xy');
    expect(await cache.restoreCache(['deps'], 'Linux-go-x')).toBe('Linux-go-x');
    expect(readFileSync(join(work, 'deps', 'a.txt'), 'utf8')).toBe('exact');
  });

  test('a version mismatch (different paths) is a miss, as on GitHub', async () => {
    writeDeps('v');
    await cache.saveCache(['deps'], 'Linux-cargo-v1');
    expect(await cache.restoreCache(['deps/nested'], 'Linux-cargo-v1')).toBeUndefined();
    expect(await cache.restoreCache(['deps/nested'], 'x', ['Linux-cargo-'])).toBeUndefined();
    // Same key, other version: a separate entry may be created.
    expect(await cache.saveCache(['deps/nested'], 'Linux-cargo-v1')).toBeGreaterThan(0);
    expect(await cache.restoreCache(['deps/nested'], 'Linux-cargo-v1')).toBe('Linux-cargo-v1');
  });

  test('saving an existing key+version is refused (entries are immutable) and returns -1', async () => {
    writeDeps('first');
    expect(await cache.saveCache(['deps'], 'Linux-yarn-same')).toBeGreaterThan(0);
    writeDeps('second');
    expect(await cache.saveCache(['deps'], 'Linux-yarn-same')).toBe(-1);
    rmSync(join(work, 'deps'), { recursive: true });
    await cache.restoreCache(['deps'], 'Linux-yarn-same');
    expect(readFileSync(join(work, 'deps', 'a.txt'), 'utf8')).toBe('first');
  });

  test('lookupOnly finds the key without downloading', async () => {
    writeDeps('look');
    await cache.saveCache(['deps'], 'Linux-uv-look');
    rmSync(join(work, 'deps'), { recursive: true });
    expect(await cache.restoreCache(['deps'], 'Linux-uv-look', [], { lookupOnly: true })).toBe(
      'Linux-uv-look',
    );
    expect(() => readFileSync(join(work, 'deps', 'a.txt'))).toThrow();
  });

  test('entries survive a restart of the service on the same directory', async () => {
    writeDeps('persist');
    await cache.saveCache(['deps'], 'Linux-persist');
    await service.stop();
    service = await startCacheService({ dir: serviceDir });
    Object.assign(process.env, service.env);
    rmSync(join(work, 'deps'), { recursive: true });
    expect(await cache.restoreCache(['deps'], 'Linux-persist')).toBe('Linux-persist');
    expect(readFileSync(join(work, 'deps', 'a.txt'), 'utf8')).toBe('persist');
  });
});

async function twirp(
  method: string,
  body: unknown,
  token = service.env['ACTIONS_RUNTIME_TOKEN'],
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(
    new URL(`twirp/github.actions.results.api.v1.CacheService/${method}`, service.url),
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    },
  );
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('the Twirp contract', () => {
  test('a wrong token is unauthenticated (401) with a Twirp error body', async () => {
    expect(await twirp('GetCacheEntryDownloadURL', { key: 'k', version: 'v' }, 'wrong')).toEqual({
      status: 401,
      json: { code: 'unauthenticated', msg: expect.any(String) },
    });
  });

  test('an unknown method is bad_route (404)', async () => {
    expect((await twirp('DeleteCacheEntry', {})).json['code']).toBe('bad_route');
  });

  test.each([
    ['missing key', 'CreateCacheEntry', { version: 'v' }],
    ['missing version', 'CreateCacheEntry', { key: 'k' }],
    ['comma in key', 'CreateCacheEntry', { key: 'a,b', version: 'v' }],
    ['key over 512', 'CreateCacheEntry', { key: 'k'.repeat(513), version: 'v' }],
    [
      '11 keys',
      'GetCacheEntryDownloadURL',
      { key: 'k', version: 'v', restore_keys: Array.from({ length: 10 }, (_, i) => `r${i}`) },
    ],
    ['negative size', 'FinalizeCacheEntryUpload', { key: 'k', version: 'v', size_bytes: '-1' }],
  ])('%s is invalid_argument (400)', async (_name, method, body) => {
    expect(await twirp(method, body)).toEqual({
      status: 400,
      json: { code: 'invalid_argument', msg: expect.any(String) },
    });
  });

  test('finalizing an entry that was never created is not_found; before its upload, failed_precondition', async () => {
    expect(
      (await twirp('FinalizeCacheEntryUpload', { key: 'never', version: 'v', size_bytes: '1' })).json['code'],
    ).toBe('not_found');
    const created = await twirp('CreateCacheEntry', { key: 'no-upload', version: 'v' });
    expect(created.json['ok']).toBe(true);
    expect(
      (await twirp('FinalizeCacheEntryUpload', { key: 'no-upload', version: 'v', size_bytes: '1' })).status,
    ).toBe(412);
    // An entry being uploaded blocks a second reservation, as on GitHub.
    expect(await twirp('CreateCacheEntry', { key: 'no-upload', version: 'v' })).toMatchObject({
      status: 409,
      json: { code: 'already_exists' },
    });
  });

  test('a miss answers 200 with ok false (the client treats it as a miss, not an error)', async () => {
    expect(await twirp('GetCacheEntryDownloadURL', { key: 'absent', version: 'v' })).toEqual({
      status: 200,
      json: { ok: false, signed_download_url: '', matched_key: '' },
    });
  });
});

describe('the blob contract (Azure Storage SDK)', () => {
  test('block upload + block list commit, then parallel ranged download', async () => {
    const created = await twirp('CreateCacheEntry', { key: 'blocks', version: 'v1' });
    const uploadUrl = created.json['signed_upload_url'] as string;
    const data = Buffer.alloc(300_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) % 251;
    // A small single-shot limit forces Put Block + Put Block List, what the client does above 128 MiB.
    await new BlobClient(uploadUrl)
      .getBlockBlobClient()
      .uploadData(data, { maxSingleShotSize: 64 * 1024, blockSize: 64 * 1024, concurrency: 3 });
    const finalized = await twirp('FinalizeCacheEntryUpload', {
      key: 'blocks',
      version: 'v1',
      size_bytes: String(data.length),
    });
    expect(finalized.json['ok']).toBe(true);

    const found = await twirp('GetCacheEntryDownloadURL', { key: 'blocks', version: 'v1' });
    const downloadUrl = found.json['signed_download_url'] as string;
    const client = new BlobClient(downloadUrl);
    expect((await client.getProperties()).contentLength).toBe(data.length);
    const back = await client.downloadToBuffer(0, undefined, { blockSize: 50_000, concurrency: 4 });
    expect(back.equals(data)).toBe(true);
    const slice = await fetch(downloadUrl, { headers: { Range: 'bytes=10-19' } });
    expect(slice.status).toBe(206);
    expect(slice.headers.get('content-range')).toBe(`bytes 10-19/${data.length}`);
    expect(Buffer.from(await slice.arrayBuffer()).equals(data.subarray(10, 20))).toBe(true);
    expect((await fetch(downloadUrl, { headers: { Range: 'bytes=999999-' } })).status).toBe(416);
  });

  test('a download URL cannot write, an upload URL cannot read, a tampered signature is refused', async () => {
    const created = await twirp('CreateCacheEntry', { key: 'perm', version: 'v1' });
    const uploadUrl = created.json['signed_upload_url'] as string;
    expect((await fetch(uploadUrl)).status).toBe(403);
    const tampered = uploadUrl.replace(/sig=[^&]+/, 'sig=AAAA');
    const refused = await fetch(tampered, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob' },
      body: 'x',
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-ms-error-code')).toBe('AuthenticationFailed');
    expect(await refused.text()).toContain('<Code>AuthenticationFailed</Code>');
    const noType = await fetch(uploadUrl, { method: 'PUT', body: 'x' });
    expect(noType.status).toBe(400);
    expect(
      (await fetch(uploadUrl, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'abc' }))
        .status,
    ).toBe(201);
    await twirp('FinalizeCacheEntryUpload', { key: 'perm', version: 'v1', size_bytes: '3' });
    const download = (await twirp('GetCacheEntryDownloadURL', { key: 'perm', version: 'v1' })).json[
      'signed_download_url'
    ] as string;
    expect(
      (await fetch(download, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'y' }))
        .status,
    ).toBe(403);
    expect(await (await fetch(download)).text()).toBe('abc');
    // Finalized entries are immutable, even with a valid upload URL.
    expect(
      (await fetch(uploadUrl, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'zzz' }))
        .status,
    ).toBe(409);
  });

  test('a block list naming a block that was never uploaded is InvalidBlockList', async () => {
    const created = await twirp('CreateCacheEntry', { key: 'badlist', version: 'v1' });
    const uploadUrl = new URL(created.json['signed_upload_url'] as string);
    uploadUrl.searchParams.set('comp', 'blocklist');
    const response = await fetch(uploadUrl, {
      method: 'PUT',
      body: '<?xml version="1.0" encoding="utf-8"?><BlockList><Latest>QUFBQQ==</Latest></BlockList>',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-ms-error-code')).toBe('InvalidBlockList');
  });
});
