import { shortHash } from './hash';
import { RenderInput } from './types';

/** Default prefix of team namespaces. */
export const DEFAULT_NAMESPACE_PREFIX = 'runners-';

/** Name of the team's ResourceQuota; one per team namespace. */
export const TEAM_QUOTA_NAME = 'runner-fleet';

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const MAX_POOL_NAME = 40;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const MAX_LABEL_VALUE = 63;

/**
 * The team namespace, `<prefix><team>` as a DNS label. Catalog group names may hold upper case,
 * `_` and `.` and run to 63 characters; such names are folded and, when folding changed them or
 * they are too long, suffixed with a hash of the original so two teams never share a namespace.
 */
export function teamNamespace(
  team: string,
  prefix: string = DEFAULT_NAMESPACE_PREFIX,
): string {
  const wanted = `${prefix}${team}`;
  const folded = wanted
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (folded === wanted && folded.length <= 63 && DNS_LABEL.test(folded)) {
    return folded;
  }
  const suffix = shortHash(team).slice(0, 8);
  const head = folded.slice(0, 63 - suffix.length - 1).replace(/-+$/, '');
  return `${head}-${suffix}`;
}

/**
 * Names of everything a pool owns inside its team namespace. All fit the 63-character DNS label
 * limit for a 40-character pool name (VMI and VM names derived from them too).
 */
export function poolObjectNames(poolName: string) {
  const base = `rf-${poolName}`;
  return {
    tokenSecret: `${base}-token`,
    cloudInitSecret: `${base}-cloudinit`,
    sysprepSecret: `${base}-sysprep`,
    metricsAuthSecret: `${base}-metrics-auth`,
    triggerAuthentication: `${base}-metrics`,
    workload: base,
    burstWorkload: `${base}-burst`,
    scaledObject: base,
    burstScaledObject: `${base}-burst`,
    /** DataVolume template; the pool controller names each VM's copy `<name>-<index>`. */
    rootDisk: `${base}-disk`,
  };
}

/** Throws when a pool's identifiers cannot become valid names and label values. */
export function assertRenderable(input: RenderInput): void {
  const { pool, flavor } = input;
  if (pool.name.length > MAX_POOL_NAME || !DNS_LABEL.test(pool.name)) {
    throw new Error(
      `pool name '${pool.name}' cannot be rendered: use 1-${MAX_POOL_NAME} lowercase letters, digits and '-'`,
    );
  }
  const values = { 'pool id': pool.id, team: pool.team, flavor: flavor.name };
  for (const [what, value] of Object.entries(values)) {
    if (value.length > MAX_LABEL_VALUE || !LABEL_VALUE.test(value)) {
      throw new Error(
        `${what} '${value}' is not a valid Kubernetes label value (at most 63 letters, digits, '-', '_', '.')`,
      );
    }
  }
}

/** What every pool renderer works from: the input and what is derived from it once. */
export interface RenderContext {
  input: RenderInput;
  namespace: string;
  names: ReturnType<typeof poolObjectNames>;
}

/** Builds the context for one rendering. */
export function renderContext(input: RenderInput): RenderContext {
  return {
    input,
    namespace: teamNamespace(
      input.pool.team,
      input.options?.namespacePrefix ?? DEFAULT_NAMESPACE_PREFIX,
    ),
    names: poolObjectNames(input.pool.name),
  };
}

/**
 * The longest job a pool's VMs promise to finish when they are removed (scale-in, rollout,
 * replacement). GitLab's own default job timeout is one hour.
 */
export const MAX_JOB_SECONDS = 3600;

/**
 * The shutdown budget of a runner VM, each step inside the next, so no layer cuts a job that
 * fits in `maxJobSeconds`:
 * - `runnerStopSeconds`: systemd `TimeoutStopSec` of gitlab-runner (Windows: how long the
 *   shutdown script waits for the service). SIGQUIT makes it take no new jobs and finish the
 *   running ones; a minute on top for uploading the trace and artifacts of a job that ends late.
 * - `poweroffTimeoutSeconds`: `JobTimeoutSec` of systemd's `poweroff.target`, which otherwise
 *   forces the power-off after 30 minutes whatever the units' stop timeouts
 *   (systemd.special(7)); a minute for the units stopped after gitlab-runner (docker, mounts).
 *   Windows: the wait for shutdown scripts (`MaxGPOScriptWait`).
 * - `terminationGracePeriodSeconds`: the VMI's; after it virt-launcher destroys the domain.
 */
export function drainTimings(maxJobSeconds: number = MAX_JOB_SECONDS): {
  runnerStopSeconds: number;
  poweroffTimeoutSeconds: number;
  terminationGracePeriodSeconds: number;
} {
  const runnerStopSeconds = maxJobSeconds + 60;
  const poweroffTimeoutSeconds = runnerStopSeconds + 60;
  return {
    runnerStopSeconds,
    poweroffTimeoutSeconds,
    terminationGracePeriodSeconds: poweroffTimeoutSeconds + 30,
  };
}

/** The VMI `terminationGracePeriodSeconds` of every runner VM (see {@link drainTimings}). */
export const JOB_DRAIN_SECONDS = drainTimings().terminationGracePeriodSeconds;
