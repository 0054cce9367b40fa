#!/usr/bin/env node
// npm run build: type-check everything, emit ESM JavaScript with tsc, then bundle each action
// (actions/<name>/src/index.ts -> dist/<name>/index.js) and the CLI (dist/cli/index.js) with ncc:
// minified, with a third-party licenses file, no source maps. Output is byte-for-byte reproducible.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';
import { transform } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tscOut = join(root, '.cache', 'tsc');
const only = process.argv.slice(2);

function step(label, fn) {
  const started = Date.now();
  const result = fn();
  return Promise.resolve(result).then((value) => {
    console.log(`${label} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    return value;
  });
}

function typecheckAndEmit() {
  // The full project (tests included) is type-checked; only product code is emitted for bundling.
  for (const args of [
    ['-p', 'tsconfig.json', '--noEmit'],
    ['-p', 'tsconfig.build.json'],
  ]) {
    const result = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), ...args], {
      cwd: root,
      stdio: 'inherit',
    });
    if (result.status !== 0) {
      console.error(`tsc ${args.join(' ')} failed`);
      process.exit(1);
    }
  }
}

/** The bundle targets: every action with src/index.ts, and the CLI. */
export function targets() {
  const list = [];
  const actionsDir = join(root, 'actions');
  if (existsSync(actionsDir)) {
    for (const name of readdirSync(actionsDir).sort()) {
      if (existsSync(join(actionsDir, name, 'src', 'index.ts'))) {
        list.push({
          name,
          entry: join(tscOut, 'actions', name, 'src', 'index.js'),
          out: join(root, 'dist', name),
        });
      }
    }
  }
  if (existsSync(join(root, 'cli', 'index.ts'))) {
    list.push({ name: 'cli', entry: join(tscOut, 'cli', 'index.js'), out: join(root, 'dist', 'cli') });
  }
  return list;
}

async function bundle(target) {
  const { code, assets } = await ncc(target.entry, {
    minify: true,
    sourceMap: false,
    license: 'licenses.txt',
    quiet: true,
    cache: false,
    target: 'es2022',
  });
  rmSync(target.out, { recursive: true, force: true });
  mkdirSync(target.out, { recursive: true });
  writeFileSync(join(target.out, 'index.js'), code);
  for (const [file, asset] of Object.entries(assets ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const path = join(target.out, file);
    mkdirSync(dirname(path), { recursive: true });
    // ncc minifies the entry file only; lazily loaded chunks (*.index.js) are minified here.
    const source = /\.index\.js$/.test(file)
      ? (
          await transform(asset.source.toString(), {
            minify: true,
            format: 'esm',
            target: 'es2022',
            legalComments: 'none',
          })
        ).code
      : asset.source;
    writeFileSync(path, source, asset.permissions ? { mode: asset.permissions } : undefined);
  }
}

await step('type-checked and emitted', typecheckAndEmit);
// Outside the source tree a package.json must say "module" or Node would treat the emitted files as CJS.
writeFileSync(join(tscOut, 'package.json'), '{ "type": "module" }\n');
const selected = targets().filter((t) => only.length === 0 || only.includes(t.name));
if (only.length === 0) {
  // Drop bundles of actions that no longer exist.
  const keep = new Set(selected.map((t) => t.name));
  if (existsSync(join(root, 'dist'))) {
    for (const name of readdirSync(join(root, 'dist'))) {
      if (!keep.has(name)) rmSync(join(root, 'dist', name), { recursive: true, force: true });
    }
  }
}
for (const target of selected) await step(`bundled dist/${target.name}`, () => bundle(target));
