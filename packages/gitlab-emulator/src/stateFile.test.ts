import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, createRunner } from './__testUtils__/api';
import { seedTokens } from './model/seed';
import { startGitLabEmulator } from './startGitLabEmulator';

describe('state file', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gitlab-emulator-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps runners, managers and jobs across a restart on the same file', async () => {
    const stateFile = join(dir, 'nested', 'state.json');
    const first = await startGitLabEmulator({ stateFile });
    const runner = await createRunner(first, {
      runner_type: 'group_type',
      group_id: 2,
      tag_list: ['linux'],
    });
    await first.control.enqueueJobs({
      project: 'engineering/platform/runner-fleet',
      count: 2,
      tags: ['linux'],
    });
    const job = await call(first, 'POST', '/api/v4/jobs/request', {
      body: { token: runner.token, system_id: 'vm-1' },
    });
    const before = await first.control.state();
    await first.stop();
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).format).toBe(
      'runner-fleet-gitlab-emulator/v1',
    );

    const second = await startGitLabEmulator({ stateFile });
    try {
      const after = await second.control.state();
      expect(after.runners).toEqual(before.runners);
      expect(after.jobs.map(j => [j.id, j.status])).toEqual([
        [1, 'running'],
        [2, 'pending'],
      ]);
      // The runner token and the job token still work after the restart.
      const update = await call(second, 'PUT', `/api/v4/jobs/${job.body.id}`, {
        body: { token: job.body.token, state: 'success' },
      });
      expect(update.status).toBe(200);
      const next = await call(second, 'POST', '/api/v4/jobs/request', {
        body: { token: runner.token, system_id: 'vm-1' },
      });
      expect(next.body.id).toBe(2);
      // Ids continue where they stopped.
      expect(
        (await createRunner(second, { runner_type: 'instance_type' })).id,
      ).toBe(runner.id + 1);
    } finally {
      await second.stop();
    }
  });

  it('writes changes soon after they happen, without waiting for stop', async () => {
    const stateFile = join(dir, 'state.json');
    const emulator = await startGitLabEmulator({ stateFile });
    try {
      await createRunner(emulator, { runner_type: 'instance_type' });
      await emulator.flush();
      const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
      expect(saved.data.runners).toHaveLength(1);
    } finally {
      await emulator.stop();
    }
  });

  it('refuses a corrupt state file with a message that says what to do', async () => {
    const stateFile = join(dir, 'state.json');
    writeFileSync(stateFile, '{ not json');
    await expect(startGitLabEmulator({ stateFile })).rejects.toThrow(
      /state file .*state\.json is not valid JSON .*fix or delete it/,
    );
  });

  it('starts from the seed when the file does not exist yet', async () => {
    const emulator = await startGitLabEmulator({
      stateFile: join(dir, 'new.json'),
    });
    try {
      const res = await call(
        emulator,
        'GET',
        '/api/v4/groups/engineering%2Fplatform/runners',
        { token: seedTokens.users['ada.platform'] },
      );
      expect(res.status).toBe(200);
    } finally {
      await emulator.stop();
    }
  });
});
