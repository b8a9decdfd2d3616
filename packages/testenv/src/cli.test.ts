import { CoreV1Api } from '@kubernetes/client-node';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { KUBECONFIG_FILES } from './cli';
import { kubeConfigFor, readClusterConnection } from './kubeconfig';
import { waitForNoProcesses } from './__testUtils__/processes';

jest.setTimeout(90_000);

const BIN = join(
  dirname(require.resolve('@runner-fleet/testenv/package.json')),
  'bin',
  'testenv',
);

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => resolve(code)),
  );
  return { child, output: () => output, exited };
}

async function untilReady(cli: Run): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!cli.output().includes('Kubernetes API server:')) {
    if (cli.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`testenv CLI did not start:\n${cli.output()}`);
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

describe('testenv CLI', () => {
  let dir = '';
  const running: Run[] = [];
  const start = async (...args: string[]) => {
    const cli = run(['--data-dir', dir, ...args]);
    running.push(cli);
    await untilReady(cli);
    return cli;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'testenv-cli-'));
  });
  afterAll(async () => {
    running.forEach(cli => cli.child.kill('SIGKILL'));
    await waitForNoProcesses(dir, 10_000);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes kubeconfigs and cluster.json, keeps state across restarts, stops on signals', async () => {
    const first = await start();
    const connection = readClusterConnection(join(dir, 'cluster.json'));
    for (const file of Object.values(KUBECONFIG_FILES)) {
      expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    }
    expect(first.output()).toContain(join(dir, 'backend.kubeconfig'));
    const core = kubeConfigFor(connection, 'admin').makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'survivor' }, data: { kept: 'yes' } },
    });

    // One control plane per data dir.
    const second = run(['--data-dir', dir]);
    await expect(second.exited).resolves.toBe(1);
    expect(second.output()).toContain('a control plane already runs on');

    first.child.kill('SIGINT');
    await expect(first.exited).resolves.toBe(0);
    expect(first.output()).toContain('[testenv] stopped');
    await expect(waitForNoProcesses(dir, 5_000)).resolves.toEqual([]);
    expect(existsSync(join(dir, 'testenv.pid'))).toBe(false);

    // Same address, certificate and tokens; etcd data survived.
    const restarted = await start();
    expect(readClusterConnection(join(dir, 'cluster.json'))).toEqual(
      connection,
    );
    const kept = await core.readNamespacedConfigMap({
      namespace: 'default',
      name: 'survivor',
    });
    expect(kept.data).toEqual({ kept: 'yes' });

    // Killed without a chance to clean up: etcd and kube-apiserver die with it.
    restarted.child.kill('SIGKILL');
    await restarted.exited;
    await expect(waitForNoProcesses(dir, 10_000)).resolves.toEqual([]);
  });
});
