import { Flavor } from '@runner-fleet/plugin-runners-common';
import {
  EXAMPLE_FLAVOR_CATALOG,
  examplePoolSpec,
} from '@runner-fleet/plugin-runners-common/testUtils';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { secretText } from './secrets';
import { KubeObject, RenderInput } from './types';

/** A recognisable fake runner token, for "never outside a Secret" checks. */
export const TEST_RUNNER_TOKEN = 'glrt-t3st-RunnerToken-0123456789abcdef';
/** A recognisable fake metrics bearer token. */
export const TEST_METRICS_TOKEN = 'rf-metrics-5ecret-token-fedcba9876543210';

/** A standard flavor from the example catalog, by name. */
export function exampleFlavor(name: string): Flavor {
  const flavor = EXAMPLE_FLAVOR_CATALOG.flavors.find(f => f.name === name);
  if (!flavor) {
    throw new Error(`no example flavor ${name}`);
  }
  return flavor;
}

/** A complete render input for the payments team's Linux `builds` pool on its primary cluster. */
export function exampleRenderInput(
  overrides: Partial<RenderInput> = {},
): RenderInput {
  const spec = examplePoolSpec();
  return {
    pool: {
      id: '3f2b8c1e-9d4a-4e7b-8a61-0c5d2e7f9a10',
      team: spec.team,
      name: spec.name,
      spec,
      generation: 1,
    },
    flavor: exampleFlavor('m1.large'),
    cluster: { name: 'kv-primary', role: 'primary' },
    teamQuota: { maxCpu: 64, maxMemoryGiB: 128, maxPools: 5 },
    gitlab: { url: 'https://gitlab.example.com' },
    runnerToken: TEST_RUNNER_TOKEN,
    scaling: {
      metricsUrl:
        'http://backstage:7007/api/runners/scaling/pools/3f2b8c1e-9d4a-4e7b-8a61-0c5d2e7f9a10',
      metricsToken: TEST_METRICS_TOKEN,
      pollingIntervalSeconds: 15,
      scaleDownStabilizationSeconds: 300,
      cooldownSeconds: 600,
    },
    ...overrides,
  };
}

/** Sets autoscaling fields of an input's pool spec, returning a new input. */
export function withAutoscaling(
  input: RenderInput,
  autoscaling: Partial<RenderInput['pool']['spec']['autoscaling']>,
): RenderInput {
  const spec = {
    ...input.pool.spec,
    autoscaling: { ...input.pool.spec.autoscaling, ...autoscaling },
  };
  return { ...input, pool: { ...input.pool, spec } };
}

/** The single rendered object of a kind (and name, when given); throws if absent. */
export function findObject(
  objects: KubeObject[],
  kind: string,
  name?: string,
): KubeObject {
  const found = objects.filter(
    o => o.kind === kind && (name === undefined || o.metadata.name === name),
  );
  if (found.length !== 1) {
    throw new Error(
      `expected one ${kind} ${name ?? ''}, found ${found.length}`,
    );
  }
  return found[0];
}

/** A nested member of a rendered object by path, for assertions; undefined when absent. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      node !== null && typeof node === 'object'
        ? (node as Record<string | number, unknown>)[key]
        : undefined,
    value,
  );
}

/** The parts of a cloud-config the renderers write. */
export interface CloudConfig {
  bootcmd: string[][];
  mounts: string[][];
  write_files: {
    path: string;
    owner: string;
    permissions: string;
    content: string;
  }[];
  runcmd: string[][];
}

/** config.toml parsed back from a Linux pool's cloud-init Secret. */
export function configTomlFromCloudInit(secret: KubeObject) {
  const userdata = secretText(secret, 'userdata') ?? '';
  const cloudConfig = parseYaml(userdata) as CloudConfig;
  const file = cloudConfig.write_files.find(
    f => f.path === '/etc/gitlab-runner/config.toml',
  );
  if (!file) {
    throw new Error('cloud-config writes no /etc/gitlab-runner/config.toml');
  }
  return { userdata, cloudConfig, file, toml: parseToml(file.content) };
}
