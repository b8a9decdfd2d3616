import { startGitLabEmulator } from '@runner-fleet/gitlab-emulator';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TestKube, waitFor } from './__testUtils__/cluster';
import { linuxReplicaSet } from './__testUtils__/manifests';
import { parseCli } from './cli';

jest.setTimeout(30_000);

describe('parseCli', () => {
  it('defaults to the testenv kubeconfig, the emulator CLI port and its admin token, traffic on', () => {
    const cli = parseCli([], {});
    expect(cli.kubeconfigPath).toMatch(
      /\.data\/k8s\/(fleet-simulator|admin)\.kubeconfig$/,
    );
    expect(cli.options).toMatchObject({
      gitlab: {
        url: 'http://127.0.0.1:8929',
        adminToken: 'glpat-runnerfleet-admin-000000',
      },
      timeScale: 1,
      seed: 1,
      traffic: {},
    });
  });

  it('takes flags and environment; never $KUBECONFIG', () => {
    const cli = parseCli(
      [
        '--time-scale',
        '60',
        '--seed',
        'demo',
        '--boot-time',
        '30',
        '--no-traffic',
        '--namespace',
        'a',
        '--namespace',
        'b',
        '--metrics-port',
        '9102',
      ],
      {
        KUBECONFIG: '/real/cluster',
        FLEET_SIM_KUBECONFIG: '/tmp/k',
        FLEET_SIM_GITLAB_URL: 'http://gl:1',
      },
    );
    expect(cli.kubeconfigPath).toBe('/tmp/k');
    expect(cli.options).toMatchObject({
      gitlab: { url: 'http://gl:1' },
      timeScale: 60,
      seed: 'demo',
      bootTime: { linux: { meanSeconds: 30 } },
      traffic: false,
      namespaces: ['a', 'b'],
      metricsPort: 9102,
    });
    expect(() => parseCli(['--time-scale', 'fast'], {})).toThrow(
      "--time-scale must be a number, got 'fast'",
    );
  });
});

describe('bin/fleet-simulator', () => {
  const cluster = useTestCluster({ namespacePrefix: 'fleetsim-cli' });
  let child: ChildProcess | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise(r => child?.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('plays KubeVirt for a local control plane and stops on SIGTERM', async () => {
    const gitlab = await startGitLabEmulator();
    try {
      dir = mkdtempSync(join(tmpdir(), 'fleetsim-cli-'));
      const kubeconfig = join(dir, 'fleet-simulator.kubeconfig');
      writeFileSync(
        kubeconfig,
        cluster.kubeConfig('fleet-simulator').exportConfig(),
      );
      let output = '';
      child = spawn(
        process.execPath,
        [
          resolve(__dirname, '../bin/fleet-simulator'),
          '--kubeconfig',
          kubeconfig,
          '--gitlab-url',
          gitlab.url,
          '--time-scale',
          '100',
          '--no-traffic',
          '--namespace',
          cluster.namespace,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout?.on('data', chunk => (output += String(chunk)));
      child.stderr?.on('data', chunk => (output += String(chunk)));
      await waitFor(
        'the banner',
        () => output.includes('Playing KubeVirt'),
        20_000,
      );
      const kube = new TestKube(cluster.kubeConfig(), cluster.namespace);
      await kube.create(
        'kubevirt.io',
        'v1',
        'virtualmachineinstancereplicasets',
        linuxReplicaSet('rf-cli', 'none', 1),
      );
      await waitFor(
        'a Running VMI in the log',
        () => /rf-cli-[a-z0-9]{5}: Running on sim-node-/.test(output),
        20_000,
      );
      const exited = new Promise<number | null>(r =>
        child?.once('exit', code => r(code)),
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('SIGTERM: stopping');
    } finally {
      await gitlab.stop();
    }
  });
});
