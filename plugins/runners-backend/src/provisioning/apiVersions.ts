import { LoggerService } from '@backstage/backend-plugin-api';
import { ApisApi, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { ClusterApiHealth } from '@runner-fleet/plugin-runners-common';
import { VmPoolVersion } from './render';
import { PoolReasonError } from './poolStatus';

export type { VmPoolVersion };

/** Which pools need an API: every pool, or only those of one OS. */
export type NeededBy = 'all' | 'linux' | 'windows';

/** An API group the renderers, the status read or the fleet cache use. */
interface ApiRequirement {
  group: string;
  /** Acceptable versions, preferred first: the first served one is used. */
  versions: readonly string[];
  /** Kinds that must be served in the chosen version. */
  kinds: readonly string[];
  neededBy: NeededBy;
  /** What to install when it is missing (versions per the README's compatibility table). */
  install: string;
}

/**
 * What runner-fleet needs from a cluster. Linux pools: a VMIRS and its VMIs; Windows pools: a
 * VirtualMachinePool of VMs whose disks are CDI DataVolumes cloned from a DataSource; every pool:
 * a KEDA ScaledObject with a TriggerAuthentication.
 */
const REQUIREMENTS: readonly ApiRequirement[] = [
  {
    group: 'kubevirt.io',
    versions: ['v1'],
    kinds: ['VirtualMachineInstance'],
    neededBy: 'all',
    install: 'KubeVirt 1.5 or later',
  },
  {
    group: 'kubevirt.io',
    versions: ['v1'],
    kinds: ['VirtualMachineInstanceReplicaSet'],
    neededBy: 'linux',
    install: 'KubeVirt 1.5 or later',
  },
  {
    group: 'kubevirt.io',
    versions: ['v1'],
    kinds: ['VirtualMachine'],
    neededBy: 'windows',
    install: 'KubeVirt 1.5 or later',
  },
  {
    group: 'pool.kubevirt.io',
    versions: ['v1beta1', 'v1alpha1'],
    kinds: ['VirtualMachinePool'],
    neededBy: 'windows',
    install: 'KubeVirt 1.7 or later (v1beta1), or KubeVirt 1.5/1.6 (v1alpha1)',
  },
  {
    group: 'cdi.kubevirt.io',
    versions: ['v1beta1'],
    kinds: ['DataVolume', 'DataSource'],
    neededBy: 'windows',
    install: 'CDI 1.58 or later',
  },
  {
    group: 'keda.sh',
    versions: ['v1alpha1'],
    kinds: ['ScaledObject', 'TriggerAuthentication'],
    neededBy: 'all',
    install: 'KEDA 2.12 or later',
  },
];

/**
 * One API a cluster does not serve.
 *
 * @public
 */
export type MissingApi = ClusterApiHealth['missing'][number];

/**
 * What one cluster serves of the APIs runner-fleet needs, as of the last discovery.
 *
 * @public
 */
export type ClusterApiReport = ClusterApiHealth;

/** What discovery returns: served versions per group, and the kinds of each group/version. */
export interface Discovery {
  groups(): Promise<Record<string, string[]>>;
  kinds(group: string, version: string): Promise<string[]>;
}

/** Discovery through the cluster's API server (`/apis`, `/apis/<group>/<version>`). */
export function kubeDiscovery(kubeConfig: KubeConfig): Discovery {
  const apis = kubeConfig.makeApiClient(ApisApi);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  return {
    async groups() {
      const { groups } = await apis.getAPIVersions();
      return Object.fromEntries(
        groups.map(g => [g.name, g.versions.map(v => v.version)]),
      );
    },
    async kinds(group, version) {
      const list = await custom.getAPIResources({ group, version });
      return list.resources.map(r => r.kind);
    },
  };
}

/** Compares what a cluster serves with {@link REQUIREMENTS}. */
export async function checkServedApis(discovery: Discovery): Promise<{
  served: Record<string, string[]>;
  missing: MissingApi[];
  vmPoolVersion: VmPoolVersion;
}> {
  const all = await discovery.groups();
  const groups = new Set(REQUIREMENTS.map(r => r.group));
  const served = Object.fromEntries(
    Object.entries(all).filter(([group]) => groups.has(group)),
  );
  const kindsOf = new Map<string, Promise<string[]>>();
  const kinds = (group: string, version: string) => {
    const key = `${group}/${version}`;
    if (!kindsOf.has(key)) kindsOf.set(key, discovery.kinds(group, version));
    return kindsOf.get(key)!;
  };
  const missing: MissingApi[] = [];
  let vmPoolVersion: VmPoolVersion = 'v1beta1';
  for (const requirement of REQUIREMENTS) {
    const versions = requirement.versions.filter(v =>
      served[requirement.group]?.includes(v),
    );
    for (const kind of requirement.kinds) {
      let found: string | undefined;
      for (const version of versions) {
        if ((await kinds(requirement.group, version)).includes(kind)) {
          found = version;
          break;
        }
      }
      if (found && kind === 'VirtualMachinePool') {
        vmPoolVersion = found as VmPoolVersion;
      }
      if (!found) {
        missing.push({
          apiVersion: requirement.versions
            .map(v => `${requirement.group}/${v}`)
            .join(' or '),
          kind,
          neededBy: requirement.neededBy,
          install: requirement.install,
        });
      }
    }
  }
  return { served, missing, vmPoolVersion };
}

/** A one-line description of missing APIs, for logs and pool state reasons. */
export function describeMissing(missing: MissingApi[]): string {
  return missing
    .map(m => `${m.kind} (${m.apiVersion}; install ${m.install})`)
    .join(', ');
}

/**
 * The served-API check of one cluster: runs discovery at startup and on every reconnect,
 * keeps the last answer and says in the log what is missing. The renderers, the reconciler's
 * status read and the fleet cache take the VirtualMachinePool version from here, so all three
 * use the version the cluster serves.
 *
 * @public
 */
export class ServedApiCheck {
  readonly name: string;
  readonly role: 'primary' | 'burst';
  readonly #discovery: Discovery;
  readonly #logger: LoggerService;
  #report: ClusterApiReport;
  #running?: Promise<ClusterApiReport>;
  #logged?: string;

  static create(options: {
    name: string;
    role: 'primary' | 'burst';
    discovery: Discovery;
    logger: LoggerService;
  }) {
    return new ServedApiCheck(options);
  }

  private constructor(options: Parameters<typeof ServedApiCheck.create>[0]) {
    this.name = options.name;
    this.role = options.role;
    this.#discovery = options.discovery;
    this.#logger = options.logger;
    this.#report = {
      name: this.name,
      role: this.role,
      served: {},
      missing: [],
      vmPoolVersion: 'v1beta1',
    };
  }

  /** The last answer (before the first: nothing known missing, v1beta1 pools assumed). */
  get report(): ClusterApiReport {
    return this.#report;
  }

  get vmPoolVersion(): VmPoolVersion {
    return this.#report.vmPoolVersion;
  }

  /** Runs discovery now; concurrent callers share one run. Never throws. */
  refresh(): Promise<ClusterApiReport> {
    this.#running ??= this.#check().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /**
   * Throws an error that says what the cluster lacks for a pool of this OS and what to install,
   * so the reconciler records it as the pool's state reason.
   */
  assertServes(os: 'linux' | 'windows', pool: string): void {
    const missing = this.#report.missing.filter(
      m => m.neededBy === 'all' || m.neededBy === os,
    );
    if (missing.length === 0) return;
    throw new PoolReasonError(
      'MissingClusterApi',
      `cluster '${
        this.name
      }' does not serve what ${os} pool '${pool}' needs: ${describeMissing(
        missing,
      )}`,
    );
  }

  async #check(): Promise<ClusterApiReport> {
    try {
      const result = await checkServedApis(this.#discovery);
      this.#report = {
        name: this.name,
        role: this.role,
        checkedAt: new Date().toISOString(),
        ...result,
      };
    } catch (error) {
      // Keep what the last answer said: an unreachable cluster has not lost its APIs.
      this.#report = {
        ...this.#report,
        error: `discovery failed: ${(error as Error).message}`,
      };
    }
    this.#log();
    return this.#report;
  }

  #log() {
    const { missing, error, vmPoolVersion } = this.#report;
    let line = `cluster '${this.name}' serves every API runner-fleet needs (VirtualMachinePool ${vmPoolVersion})`;
    if (missing.length > 0) {
      line = `cluster '${
        this.name
      }' lacks APIs runner-fleet needs: ${describeMissing(missing)}`;
    }
    if (error) {
      line = `cluster '${this.name}': cannot read its served APIs (${error}); will check again when it reconnects`;
    }
    // Say it once per change, not on every reconnect.
    if (line === this.#logged) return;
    this.#logged = line;
    if (error || missing.length > 0) this.#logger.warn(line);
    else this.#logger.info(line);
  }
}
