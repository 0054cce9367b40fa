import { describe, expect, it } from 'vitest';
import { defaultPermissions, describePermissions } from '../../../shared/github-permissions.js';
import { jobPermissions } from '../../../engine/permissions.js';
import { parseWorkflowText } from '../../../engine/workflow.js';

async function tokens(workflowPermissions: string, jobPermissionsYaml: string) {
  const model = await parseWorkflowText(
    'p.yml',
    `on: push\n${workflowPermissions}\njobs:\n  j:\n    runs-on: ubuntu-latest\n${jobPermissionsYaml}\n    steps: [{ run: echo }]\n`,
  );
  return { workflow: model.permissions, job: model.jobs[0]?.permissions };
}

describe('jobPermissions', () => {
  it('takes the job level over the workflow level over the repository default', async () => {
    const both = await tokens('permissions: read-all', '    permissions:\n      id-token: write');
    expect(describePermissions(jobPermissions(both.job, both.workflow, undefined, 'restricted', 'j'))).toBe(
      'id-token: write',
    );
    const workflowOnly = await tokens('permissions: { contents: write }', '');
    expect(
      describePermissions(
        jobPermissions(workflowOnly.job, workflowOnly.workflow, undefined, 'restricted', 'j'),
      ),
    ).toBe('contents: write');
    const neither = await tokens('', '');
    expect(jobPermissions(neither.job, neither.workflow, undefined, 'restricted', 'j')).toEqual(
      defaultPermissions('restricted'),
    );
    expect(jobPermissions(neither.job, neither.workflow, undefined, 'permissive', 'j')).toEqual(
      defaultPermissions('permissive'),
    );
  });

  it("gives a called workflow's jobs the caller's grant, lower requests as asked, and refuses higher ones", async () => {
    const cap = jobPermissions(
      undefined,
      (await tokens('permissions: { contents: read, id-token: write }', '')).workflow,
      undefined,
      'restricted',
      'c',
    );
    const inherit = await tokens('', '');
    expect(jobPermissions(inherit.job, inherit.workflow, cap, 'restricted', 'inner')).toEqual(cap);
    const lower = await tokens('', '    permissions: { contents: read }');
    expect(describePermissions(jobPermissions(lower.job, lower.workflow, cap, 'restricted', 'inner'))).toBe(
      'contents: read',
    );
    const higher = await tokens('', '    permissions: { contents: write, issues: write, id-token: write }');
    expect(() => jobPermissions(higher.job, higher.workflow, cap, 'restricted', 'inner')).toThrow(
      "The nested job 'inner' is requesting 'contents: write, issues: write', but is only allowed 'contents: read, issues: none'.",
    );
  });

  it('leaves unknown scopes to the workflow schema, which refuses them before anything runs', async () => {
    await expect(tokens('', '    permissions: { content: read }')).rejects.toThrow(
      /Unexpected value 'content'/,
    );
  });
});
