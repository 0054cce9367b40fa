import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import {
  CALLER_PERMISSIONS,
  PIPELINE_INPUTS,
  PIPELINE_SECRETS,
  PIPELINE_VAULT_INPUTS,
  PIPELINE_WORKFLOW,
  PLACEHOLDERS,
  TEMPLATES,
  VAULT_CALLER_PERMISSIONS,
} from '../../../cli/init/contract.js';
import { useVault } from '../../../cli/init/render.js';
import { defaultConfig } from '../../../cli/lint/config.js';
import { lintFiles, lintText } from '../../../cli/lint/lint.js';

const root = join(import.meta.dirname, '..', '..', '..');
const templatesDir = join(root, 'workflows-templates');
const names = Object.keys(TEMPLATES) as Array<keyof typeof TEMPLATES>;

describe('starter templates', () => {
  test('exactly one workflow and one properties file per template', () => {
    const files = readdirSync(templatesDir).sort();
    expect(files).toEqual(names.flatMap((name) => [`${name}.properties.json`, `${name}.yml`]).sort());
  });

  test.each(names)(
    '%s calls the pipeline with the inputs, secrets and permissions in cli/init/contract.ts',
    (name) => {
      const text = readFileSync(join(templatesDir, `${name}.yml`), 'utf8');
      const workflow = parse(text) as {
        jobs: Record<
          string,
          {
            uses: string;
            with: Record<string, string>;
            secrets: Record<string, string>;
            permissions: unknown;
          }
        >;
      };
      const jobs = Object.values(workflow.jobs);
      expect(jobs).toHaveLength(1);
      const job = jobs[0] as (typeof jobs)[number];
      // placeholders, or a concrete owner and release if the release script has rewritten them
      const [owner, ref] = [job.uses.split('/')[0], job.uses.split('@')[1]];
      expect(job.uses).toBe(`${owner}/paved/${PIPELINE_WORKFLOW}@${ref}`);
      expect(owner).toMatch(/^(\$paved-org|[A-Za-z0-9-]+)$/);
      expect(ref).toMatch(/^(\$paved-version|v\d+\.\d+\.\d+)$/);
      expect(Object.keys(job.with)).toEqual(PIPELINE_INPUTS.map((input) => input.name));
      expect(job.with['toolchain']).toBe(TEMPLATES[name].toolchain);
      expect(job.secrets).toEqual(
        Object.fromEntries(PIPELINE_SECRETS.map((s) => [s.name, `\${{ secrets.${s.repositorySecret} }}`])),
      );
      expect(job.permissions).toEqual(CALLER_PERMISSIONS);
      const used = new Set([...text.matchAll(/\$([a-z][a-z-]*)/g)].map((m) => m[1]));
      for (const placeholder of used) expect(PLACEHOLDERS).toContain(placeholder);
    },
  );

  test.each(names)("%s.properties.json has GitHub's template fields", (name) => {
    const properties = JSON.parse(
      readFileSync(join(templatesDir, `${name}.properties.json`), 'utf8'),
    ) as Record<string, unknown>;
    expect(Object.keys(properties).sort()).toEqual([
      'categories',
      'description',
      'filePatterns',
      'iconName',
      'name',
    ]);
    expect(properties['name']).toMatch(/^Paved: /);
    expect(String(properties['description']).length).toBeGreaterThan(20);
    expect(properties['iconName']).toMatch(/^octicon [a-z-]+$/);
    expect(Array.isArray(properties['categories']) && properties['categories'].length > 0).toBe(true);
    const patterns = properties['filePatterns'] as string[];
    expect(patterns.length).toBeGreaterThan(0);
    for (const pattern of patterns) expect(() => new RegExp(pattern)).not.toThrow();
  });

  test.each(names)(
    '%s with Vault: vault-url/vault-role, id-token: write, no secrets, and lint-clean',
    async (name) => {
      const text = useVault(readFileSync(join(templatesDir, `${name}.yml`), 'utf8'), {
        url: 'https://vault.example.com',
        role: 'paved-deploy',
      });
      const job = Object.values(
        (parse(text) as { jobs: Record<string, Record<string, unknown>> }).jobs,
      )[0] as Record<string, unknown>;
      expect(Object.keys(job['with'] as object)).toEqual([
        ...PIPELINE_INPUTS.map((input) => input.name),
        ...PIPELINE_VAULT_INPUTS.map((input) => input.name),
      ]);
      expect(job['permissions']).toEqual(VAULT_CALLER_PERMISSIONS);
      expect(job).not.toHaveProperty('secrets');
      expect(await lintText(text, `${name}.yml`, 'workflow', defaultConfig())).toEqual([]);
    },
  );

  test('every template passes paved lint with zero findings', async () => {
    const files = names.map((name) => join(templatesDir, `${name}.yml`));
    expect(await lintFiles(files, root, () => defaultConfig())).toEqual([]);
  });
});
