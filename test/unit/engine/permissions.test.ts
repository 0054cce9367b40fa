import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  defaultPermissions,
  describePermissions,
  PERMISSION_LEVELS,
  resolvePermissions,
} from '../../../shared/github-permissions.js';
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

describe('the permission scopes the workflow schema accepts', () => {
  // GitHub's workflow schema (the bundled @actions/workflow-parser, `permissions-mapping`) is what
  // decides which scopes and levels a workflow may write ("Assigning permissions to jobs",
  // https://docs.github.com/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token).
  // Paved's table must name exactly the same ones, or a valid workflow fails when its job starts.
  it('are exactly the scopes and levels of shared/github-permissions.ts', async () => {
    const schemaFile = fileURLToPath(
      new URL('../../../node_modules/@actions/workflow-parser/dist/workflow-v1.0.min.json', import.meta.url),
    );
    const schema = JSON.parse(await readFile(schemaFile, 'utf8')) as {
      definitions: Record<
        string,
        {
          mapping?: { properties: Record<string, { type: string }> };
          'one-of'?: string[];
          string?: { constant: string };
        }
      >;
    };
    const levels = (type: string): string[] =>
      (schema.definitions[type]?.['one-of'] ?? [])
        .map((name) => schema.definitions[name]?.string?.constant ?? name)
        .sort();
    const fromSchema = Object.fromEntries(
      Object.entries(schema.definitions['permissions-mapping']?.mapping?.properties ?? {}).map(
        ([scope, { type }]) => [scope, levels(type)],
      ),
    );
    const ours = Object.fromEntries(
      Object.entries(PERMISSION_LEVELS).map(([scope, allowed]) => [scope, [...allowed].sort()]),
    );
    expect(Object.keys(fromSchema).length).toBeGreaterThan(15);
    expect(ours).toEqual(fromSchema);
  });

  it.each(['artifact-metadata', 'code-quality', 'drives'])(
    'a job may ask for %s: write and gets it',
    async (scope) => {
      const declared = await tokens('', `    permissions: { ${scope}: write }`);
      expect(
        describePermissions(jobPermissions(declared.job, declared.workflow, undefined, 'restricted', 'j')),
      ).toBe(`${scope}: write`);
    },
  );

  it('vulnerability-alerts: read and copilot-requests: write are granted; read-all and write-all stop at what a scope allows', async () => {
    const declared = await tokens(
      '',
      '    permissions: { vulnerability-alerts: read, copilot-requests: write }',
    );
    expect(
      describePermissions(jobPermissions(declared.job, declared.workflow, undefined, 'restricted', 'j')),
    ).toBe('copilot-requests: write, vulnerability-alerts: read');
    const readAll = resolvePermissions('read-all', defaultPermissions('restricted'));
    expect([readAll['copilot-requests'], readAll['id-token'], readAll['vulnerability-alerts']]).toEqual([
      'none',
      'none',
      'read',
    ]);
    const writeAll = resolvePermissions('write-all', defaultPermissions('restricted'));
    expect([writeAll.models, writeAll['vulnerability-alerts'], writeAll['copilot-requests']]).toEqual([
      'read',
      'read',
      'write',
    ]);
  });
});
