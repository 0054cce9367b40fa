/**
 * The must-hold end to end: the sample service (examples/sample-service) built into an image by the
 * containerize action, deployed in gitops mode by deploy-argocd through the Argo CD stand-in, which pulls
 * it from the real registry and runs it; the process then serves the new version. The environment
 * (registry, images, git server, stand-in) is the rollback tests' loop environment.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runGit } from '../../../shared/gitops/git.js';
import { startLoopEnvironment, type LoopEnvironment, type Variant } from '../rollback/environment.js';
import { runDeployAction } from './run-action.js';

const first: Variant = { tag: '1.0.0', version: '1.0.0', fault: 'none' };
const second: Variant = { tag: '1.1.0', version: '1.1.0', fault: 'none' };
let env: LoopEnvironment;

beforeAll(async () => {
  env = await startLoopEnvironment([first, second]);
  await env.addApp('sample', { automated: false, initial: first });
}, 300_000);

afterAll(async () => {
  await env?.stop();
});

it('deploys the containerized sample service in gitops mode and the process serves the new version', async () => {
  expect(await env.servedVersion('sample')).toBe('1.0.0');
  const before = await env.client.getApplication('sample');
  const run = await runDeployAction({
    'argocd-server': env.standIn.url,
    insecure: 'true',
    'argocd-token': env.standIn.adminToken,
    app: 'sample',
    image: `${env.imageName}:${second.tag}`,
    'gitops-token': env.git.token,
    timeout: '3m',
  });
  expect(run.errors).toEqual([]);
  expect(run.code).toBe(0);
  expect(await env.servedVersion('sample')).toBe('1.1.0');
  const head = (
    await runGit(['ls-remote', env.gitopsUrl, 'refs/heads/main'], {
      env: {
        ...process.env,
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'http.extraHeader',
        GIT_CONFIG_VALUE_0: `Authorization: Bearer ${env.git.token}`,
      },
    })
  ).stdout.split('\t')[0];
  expect(run.outputs['revision']).toBe(head);
  expect(run.outputs['gitops-commit']).toBe(head);
  expect(run.outputs['previous-image']).toBe(`${env.imageName}:${first.tag}`);
  expect(run.outputs['previous-history-id']).toBe(String(before.status?.history?.at(-1)?.id));
  expect(Number(run.outputs['history-id'])).toBe(Number(run.outputs['previous-history-id']) + 1);
  const app = await env.client.getApplication('sample');
  expect(app.status?.summary?.images).toEqual([`${env.imageName}:${second.tag}`]);
}, 300_000);
