import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { seedTokens } from './model/seed';

const bin = resolve(__dirname, '../bin/gitlab-emulator');

function waitFor(
  child: ChildProcess,
  output: () => string,
  pattern: RegExp,
): Promise<RegExpExecArray> {
  return new Promise((resolvePromise, reject) => {
    const check = () => {
      const match = pattern.exec(output());
      if (match) {
        child.stdout?.off('data', check);
        resolvePromise(match);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', code =>
      reject(new Error(`exited with ${code}: ${output()}`)),
    );
    check();
  });
}

describe('CLI (bin/gitlab-emulator run with node)', () => {
  it('prints the URL and seed tokens, serves the API, logs without secrets and saves state on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitlab-emulator-cli-'));
    const stateFile = join(dir, 'state.json');
    const child = spawn(
      process.execPath,
      [bin, '--port', '0', '--state-file', stateFile],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout!.on('data', chunk => (out += chunk));
    child.stderr!.on('data', chunk => (out += chunk));
    try {
      const [, url] = await waitFor(
        child,
        () => out,
        /listening on (http:\/\/127\.0\.0\.1:\d+)/,
      );
      expect(out).toContain(seedTokens.admin);
      expect(out).toContain(seedTokens.fleetBot);

      const created = await fetch(`${url}/api/v4/user/runners`, {
        method: 'POST',
        headers: {
          'private-token': seedTokens.admin,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ runner_type: 'instance_type' }),
      }).then(r => r.json());
      expect(created.token).toMatch(/^glrt-/);
      await fetch(
        `${url}/api/v4/runners/verify?token=${created.token}&system_id=vm-1`,
        { method: 'POST' },
      );
      await waitFor(child, () => out, /POST \/api\/v4\/runners\/verify 200/);

      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).not.toContain(created.token);
      expect(
        JSON.parse(readFileSync(stateFile, 'utf8')).data.runners,
      ).toHaveLength(1);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20000);
});
