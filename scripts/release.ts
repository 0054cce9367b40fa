/**
 * npm run release -- X.Y.Z [--push]
 *
 * 1. Checks: clean work tree on main, X.Y.Z newer than package.json, a CHANGELOG section for it
 *    (an [Unreleased] section is renamed), `npm run check` passes (dist/ and catalog fresh).
 * 2. Bumps package.json, points Paved's own refs in .github/workflows and workflows-templates at vX.Y.Z,
 *    rebuilds dist/ and the catalog, commits "Release vX.Y.Z".
 * 3. Tags vX.Y.Z (annotated, with the changelog notes) and moves the major tag vX to it.
 * 4. With --push, pushes main, vX.Y.Z and (forced) vX. Otherwise prints the push commands.
 * The release workflow (.github/workflows/release.yml) then publishes the GitHub release.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  changelogFor,
  isNewer,
  orgFromRepositoryUrl,
  parseVersion,
  rewriteOwnRefs,
} from './release-notes.js';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const push = args.includes('--push');
const version = args.find((a) => !a.startsWith('--'));

function fail(message: string): never {
  console.error(`release: ${message}`);
  process.exit(1);
}
const git = (...gitArgs: string[]): string =>
  execFileSync('git', gitArgs, { cwd: root, encoding: 'utf8' }).trim();
const run = (command: string, commandArgs: string[]): void => {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) fail(`${command} ${commandArgs.join(' ')} failed`);
};

if (!version) fail('usage: npm run release -- X.Y.Z [--push]');
let parsed: ReturnType<typeof parseVersion>;
try {
  parsed = parseVersion(version);
} catch (error) {
  fail((error as Error).message);
}
const plain = version.replace(/^v/, '');
const pkgPath = join(root, 'package.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string; repository?: { url?: string } };
if (!isNewer(plain, pkg.version)) fail(`${plain} is not newer than the current version ${pkg.version}`);
if (git('status', '--porcelain')) fail('the work tree has uncommitted changes; commit or stash them first');
if (git('rev-parse', '--abbrev-ref', 'HEAD') !== 'main') fail('releases are cut from main');
if (git('tag', '--list', `v${plain}`)) fail(`tag v${plain} already exists`);
const org = orgFromRepositoryUrl(
  pkg.repository?.url ?? fail('package.json has no repository.url to take the org from'),
);

const changelogPath = join(root, 'CHANGELOG.md');
const today = new Date().toISOString().slice(0, 10);
let notes: string;
try {
  const result = changelogFor(readFileSync(changelogPath, 'utf8'), plain, today);
  notes = result.notes;
  writeFileSync(changelogPath, result.changelog);
} catch (error) {
  fail((error as Error).message);
}

pkg.version = plain;
writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
for (const dir of ['.github/workflows', 'workflows-templates']) {
  const full = join(root, dir);
  if (!existsSync(full)) continue;
  for (const file of readdirSync(full).filter((f) => /\.ya?ml$/.test(f))) {
    const path = join(full, file);
    const text = readFileSync(path, 'utf8');
    const rewritten = rewriteOwnRefs(text, org, plain);
    if (rewritten !== text) writeFileSync(path, rewritten);
  }
}
run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--silent']);
run('npm', ['run', 'build', '--silent']);
run('npm', ['run', 'catalog', '--silent']);
git('add', '-A');
git('commit', '-m', `Release v${plain}`);
git('tag', '-a', `v${plain}`, '-m', `v${plain}\n\n${notes}`);
git('tag', '-f', '-a', `v${parsed.major}`, '-m', `v${parsed.major} -> v${plain}`);
console.log(`Tagged v${plain} and moved v${parsed.major}.`);
if (push) {
  git('push', 'origin', 'main', `v${plain}`);
  git('push', '--force', 'origin', `v${parsed.major}`);
  console.log('Pushed. The release workflow publishes the GitHub release.');
} else {
  console.log(`Push with:\n  git push origin main v${plain} && git push --force origin v${parsed.major}`);
}
