import { KubeConfig } from '@kubernetes/client-node';
import { seedTokens } from '@runner-fleet/gitlab-emulator';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { FleetSimulatorOptions } from './options';
import { startFleetSimulator } from './startFleetSimulator';

const USAGE = `Usage: fleet-simulator [--kubeconfig PATH] [--gitlab-url URL] [--gitlab-token TOKEN]
                       [--time-scale N] [--seed S] [--boot-time S] [--windows-boot-time S]
                       [--failure-rate P] [--job-failure-rate P] [--no-traffic]
                       [--jobs-per-month N] [--traffic-share F] [--namespace NS]... [--real-keda]
                       [--metrics-port N] [--quiet]

Plays KubeVirt, CDI, KEDA, gitlab-runner and CI job traffic against a Runner Fleet test
control plane (packages/testenv) and the GitLab emulator, and logs what it does.

  --kubeconfig        default $FLEET_SIM_KUBECONFIG, else <repo>/.data/k8s/fleet-simulator.kubeconfig
                      (or admin.kubeconfig) as the testenv CLI writes them. $KUBECONFIG is ignored
                      on purpose: the simulator creates VMIs and scales workloads.
  --gitlab-url        emulator base URL (default $FLEET_SIM_GITLAB_URL, else http://127.0.0.1:8929)
  --gitlab-token      admin token for its control surface (default $FLEET_SIM_GITLAB_TOKEN, else the
                      seed's ${seedTokens.admin})
  --time-scale        simulated seconds per real second (default 1)
  --seed              seed of every random draw (default 1)
  --boot-time         mean Linux VM boot in seconds (default 45)
  --windows-boot-time mean Windows VM boot in seconds (default 120)
  --failure-rate      probability a VM fails while booting (default 0.02)
  --job-failure-rate  probability a job fails (default 0.05)
  --no-traffic        do not enqueue jobs
  --jobs-per-month    company-wide monthly jobs the profile is shaped from (default 3000000)
  --traffic-share     part of them the example projects carry (default 0.01)
  --namespace         act only in these namespaces (repeatable; default all)
  --real-keda         do not play KEDA and the HPA: the real ones scale (packages/testenv
                      startControllers); needs --time-scale 1, they run on wall-clock time
  --metrics-port      serve virt-handler's /metrics (KubeVirt names and labels, values from the
                      jobs on each VM) on 127.0.0.1:N for a Prometheus to scrape (default off)
  --quiet             log errors and a summary every minute only
`;

/** The repository root: the closest directory above this package with `backstage.json`. */
function repoRoot(): string | undefined {
  let dir = dirname(
    require.resolve('@runner-fleet/fleet-simulator/package.json'),
  );
  for (;;) {
    if (existsSync(join(dir, 'backstage.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function number(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value))
    throw new Error(`--${name} must be a number, got '${text}'`);
  return value;
}

/** What the CLI runs with: simulator options without the KubeConfig, and where it comes from. */
export interface CliSettings {
  kubeconfigPath: string;
  options: Omit<FleetSimulatorOptions, 'kubeConfig'>;
  quiet: boolean;
  help: boolean;
}

/** Parses arguments and environment into settings; throws with a message naming the flag. */
export function parseCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): CliSettings {
  const { values } = parseArgs({
    args: argv,
    options: {
      kubeconfig: { type: 'string' },
      'gitlab-url': { type: 'string' },
      'gitlab-token': { type: 'string' },
      'time-scale': { type: 'string' },
      seed: { type: 'string' },
      'boot-time': { type: 'string' },
      'windows-boot-time': { type: 'string' },
      'failure-rate': { type: 'string' },
      'job-failure-rate': { type: 'string' },
      'no-traffic': { type: 'boolean', default: false },
      'jobs-per-month': { type: 'string' },
      'traffic-share': { type: 'string' },
      namespace: { type: 'string', multiple: true },
      'real-keda': { type: 'boolean', default: false },
      'metrics-port': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const root = repoRoot() ?? process.cwd();
  const testenv = (file: string) => join(root, '.data', 'k8s', file);
  const kubeconfigPath =
    values.kubeconfig ??
    env.FLEET_SIM_KUBECONFIG ??
    [testenv('fleet-simulator.kubeconfig'), testenv('admin.kubeconfig')].find(
      existsSync,
    ) ??
    testenv('fleet-simulator.kubeconfig');
  const linuxBoot = number('boot-time', values['boot-time']);
  const windowsBoot = number('windows-boot-time', values['windows-boot-time']);
  return {
    kubeconfigPath,
    quiet: values.quiet ?? false,
    help: values.help ?? false,
    options: {
      gitlab: {
        url:
          values['gitlab-url'] ??
          env.FLEET_SIM_GITLAB_URL ??
          'http://127.0.0.1:8929',
        adminToken:
          values['gitlab-token'] ??
          env.FLEET_SIM_GITLAB_TOKEN ??
          seedTokens.admin,
      },
      timeScale: number('time-scale', values['time-scale']) ?? 1,
      seed: values.seed ?? 1,
      bootTime: {
        ...(linuxBoot === undefined
          ? {}
          : { linux: { meanSeconds: linuxBoot } }),
        ...(windowsBoot === undefined
          ? {}
          : { windows: { meanSeconds: windowsBoot } }),
      },
      failureRate: number('failure-rate', values['failure-rate']),
      jobFailureRate: number('job-failure-rate', values['job-failure-rate']),
      traffic: values['no-traffic']
        ? false
        : {
            jobsPerMonth: number('jobs-per-month', values['jobs-per-month']),
            share: number('traffic-share', values['traffic-share']),
          },
      namespaces: values.namespace,
      metricsPort: number('metrics-port', values['metrics-port']),
      ...(values['real-keda'] ? { roles: { keda: false } } : {}),
    },
  };
}

/** Runs the CLI; resolves once the simulator watches (signals stop it). */
export async function main(argv: string[]): Promise<void> {
  const cli = parseCli(argv);
  if (cli.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (!existsSync(cli.kubeconfigPath)) {
    throw new Error(
      `no kubeconfig at ${cli.kubeconfigPath}; start the control plane first (yarn workspace @runner-fleet/testenv start) or pass --kubeconfig`,
    );
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(cli.kubeconfigPath);
  const write = (line: string) => process.stdout.write(`${line}\n`);
  const sim = await startFleetSimulator({
    ...cli.options,
    kubeConfig,
    logger: cli.quiet ? undefined : write,
  });
  write(
    [
      `Fleet simulator watching ${kubeConfig.getCurrentCluster()?.server} (${
        cli.kubeconfigPath
      })`,
      `GitLab: ${cli.options.gitlab.url}; time scale ${
        cli.options.timeScale
      }; seed ${cli.options.seed}; traffic ${
        cli.options.traffic ? 'on' : 'off'
      }`,
      ...(sim.metricsUrl ? [`virt-handler metrics: ${sim.metricsUrl}`] : []),
      'Playing KubeVirt, CDI, KEDA and gitlab-runner. Ctrl-C stops.',
    ].join('\n'),
  );
  const summary = setInterval(() => {
    const state = sim.state();
    const registered = state.runners.filter(r => r.status === 'registered');
    const jobs = registered.reduce((sum, r) => sum + r.runningJobs, 0);
    write(
      `${sim.clock.now().toISOString()} summary: ${
        registered.length
      } runner manager(s) registered, ${jobs} job(s) running, ${
        state.scalers.length
      } ScaledObject(s)${
        state.traffic
          ? `, ${state.traffic.enqueued} job(s) enqueued (${state.traffic.jobsPerHour}/h now)`
          : ''
      }`,
    );
  }, 60_000);
  summary.unref();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    write(`${signal}: stopping`);
    clearInterval(summary);
    sim.stop().then(
      () => process.exit(0),
      error => {
        process.stderr.write(`could not stop cleanly: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
