/**
 * refs/notes/paved against a real bare repository: two writers appending at the same moment both land
 * (the loser of the push race fetches, re-appends and pushes again), and a repeated append adds nothing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { appendNoteAndPush, fetchHistory } from '../../../shared/gitops/notes.js';
import { classifyHistory, readHistory } from '../../../shared/metrics/index.js';
import { SyntheticGitOps, deployMessage } from '../../support/synthetic-gitops.js';

const remote = new SyntheticGitOps({ bare: true });
const work = new SyntheticGitOps();
afterAll(() => {
  remote.dispose();
  work.dispose();
});
const d1 = work.commit('2026-03-01T10:00:00Z', deployMessage({ service: 'shop', image: 'reg/shop:1' }));
const d2 = work.commit('2026-03-01T11:00:00Z', deployMessage({ service: 'shop', image: 'reg/shop:2' }));
work.git(['push', '-q', remote.dir, 'main']);
const url = `file://${remote.dir}`;

describe('appendNoteAndPush', () => {
  test('writers racing on the same notes ref: every note lands', async () => {
    const writers = Array.from({ length: 4 }, (_, i) =>
      appendNoteAndPush(
        { url },
        i % 2 ? d1 : d2,
        `Paved-Health: ${i < 2 ? 'healthy' : 'unhealthy'}\nPaved-Health-Time: 2026-03-01T12:0${i}:00Z`,
      ),
    );
    await Promise.all(writers);
    const d1Note = remote.git(['notes', '--ref=refs/notes/paved', 'show', d1]);
    const d2Note = remote.git(['notes', '--ref=refs/notes/paved', 'show', d2]);
    expect(d1Note).toContain('Paved-Health-Time: 2026-03-01T12:01:00Z');
    expect(d1Note).toContain('Paved-Health-Time: 2026-03-01T12:03:00Z');
    expect(d2Note).toContain('Paved-Health-Time: 2026-03-01T12:00:00Z');
    expect(d2Note).toContain('Paved-Health-Time: 2026-03-01T12:02:00Z');
  });

  test('a writer that loses the race fetches, re-appends and pushes again, keeping the winner', async () => {
    // The remote's update hook plays the other writer: the first time, it moves refs/notes/paved
    // between our fetch and our push, so our push is refused exactly as a lost race is.
    const marker = join(remote.dir, 'raced');
    writeFileSync(
      join(remote.dir, 'hooks', 'update'),
      `#!/bin/sh\nif [ ! -e '${marker}' ]; then touch '${marker}'; git -c user.name=other -c user.email=o@x notes --ref=refs/notes/paved append -m 'Paved-Reason: the other writer' ${d2}; fi\nexit 0\n`,
      { mode: 0o755 },
    );
    const retries: number[] = [];
    const attempts = await appendNoteAndPush({ url }, d2, 'Paved-Reason: ours', {
      onRetry: (a) => retries.push(a),
    });
    expect(retries).toEqual([1]);
    expect(attempts).toBe(2);
    const note = remote.git(['notes', '--ref=refs/notes/paved', 'show', d2]);
    expect(note).toContain('Paved-Reason: the other writer');
    expect(note).toContain('Paved-Reason: ours');
  });

  test('appending lines the note already has pushes nothing', async () => {
    const before = remote.git(['rev-parse', 'refs/notes/paved']);
    await appendNoteAndPush({ url }, d1, 'Paved-Health: healthy\nPaved-Health-Time: 2026-03-01T12:01:00Z');
    expect(remote.git(['rev-parse', 'refs/notes/paved'])).toBe(before);
  });

  test('a commit the repository does not have is an error that names it', async () => {
    await expect(appendNoteAndPush({ url }, 'f'.repeat(40), 'Paved-Health: healthy')).rejects.toThrow(
      /Commit ffffffffffff is not in the GitOps repository/,
    );
  });

  test('fetchHistory reads the branch and the notes back', async () => {
    const scratch = await fetchHistory({ url }, undefined);
    try {
      expect(scratch.branch).toBe('main');
      const deploys = classifyHistory(await readHistory(scratch.gitDir, { ref: 'refs/heads/main' }));
      expect(deploys.map((d) => d.commit)).toEqual([d1, d2]);
      expect(deploys[1]?.health.map((h) => h.verdict).sort()).toEqual(['healthy', 'unhealthy']);
    } finally {
      scratch.dispose();
    }
  });
});
