// Everything of a pool that holds a credential: its Secrets and the gitlab-runner config files
// that carry the runner token into the VMs (only ever as Secret data).
import { stringify } from 'smol-toml';
import { poolLabels, withTemplateHash } from './labels';
import { RenderContext } from './names';
import { KubeObject, RenderInput } from './types';

/** Base64 of UTF-8 text, as Secret `data` holds it. */
export function toBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Text of one key of a rendered Secret's `data`, or undefined. */
export function secretText(
  secret: KubeObject,
  key: string,
): string | undefined {
  const data = secret.data as Record<string, string> | undefined;
  const value = data?.[key];
  return value === undefined
    ? undefined
    : Buffer.from(value, 'base64').toString('utf8');
}

/**
 * An Opaque Secret of the pool. Values go to `data` (base64), the form the API server stores and
 * returns, so a live object compares equal to its rendering; `stringData` is write-only.
 */
export function renderSecret(
  ctx: RenderContext,
  name: string,
  entries: Record<string, string>,
): KubeObject {
  const data: Record<string, string> = {};
  for (const key of Object.keys(entries).sort()) {
    data[key] = toBase64(entries[key]);
  }
  return withTemplateHash({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: ctx.namespace,
      labels: poolLabels(ctx.input),
    },
    type: 'Opaque',
    data,
  });
}

/** The pool's runner token, key `token`: the reconciler's record of the `glrt-` token. */
export function renderTokenSecret(ctx: RenderContext): KubeObject {
  return renderSecret(ctx, ctx.names.tokenSecret, {
    token: ctx.input.runnerToken,
  });
}

/**
 * The bearer token KEDA sends to the scaling-metrics endpoint, key `token` (the name of the
 * metrics-api `token` auth parameter it is mapped to).
 */
export function renderMetricsAuthSecret(ctx: RenderContext): KubeObject {
  return renderSecret(ctx, ctx.names.metricsAuthSecret, {
    token: ctx.input.scaling.metricsToken,
  });
}

/** gitlab-runner's Prometheus listener (`gitlab_runner_jobs` and friends), on every VM. */
export const RUNNER_METRICS_ADDRESS = ':9252';

/** Default job image of the Docker executor when a job names none. */
export const DEFAULT_JOB_IMAGE = 'alpine:3.20';

/** Where the golden Windows image has gitlab-runner.exe and keeps its config and builds. */
export const WINDOWS_RUNNER_DIR = 'C:\\GitLab-Runner';

/**
 * The `[[runners]]` entry shared by both OSes. The `glrt-` authentication token goes straight into
 * config.toml: runners created through `POST /user/runners` need no `gitlab-runner register`;
 * each VM becomes a runner manager with its own `system_id` on its first job request.
 */
function runnerEntry(input: RenderInput): Record<string, unknown> {
  return {
    name: `${input.pool.team}/${input.pool.name}`,
    url: input.gitlab.url,
    token: input.runnerToken,
    limit: input.flavor.jobSlots,
  };
}

/**
 * gitlab-runner's `config.toml` for a Linux VM: `concurrent` = the flavor's job slots, metrics on
 * {@link RUNNER_METRICS_ADDRESS}, one runner with the Docker executor, privileged so jobs can run
 * Docker-in-Docker (the VM is the isolation boundary), TLS certificates shared through
 * `/certs/client` as the `docker:dind` service expects.
 */
export function linuxRunnerConfig(input: RenderInput): string {
  return stringify({
    concurrent: input.flavor.jobSlots,
    check_interval: 3,
    listen_address: RUNNER_METRICS_ADDRESS,
    runners: [
      {
        ...runnerEntry(input),
        executor: 'docker',
        docker: {
          image: DEFAULT_JOB_IMAGE,
          privileged: true,
          tls_verify: false,
          volumes: ['/certs/client', '/cache'],
        },
      },
    ],
  });
}

/**
 * gitlab-runner's `config.toml` for a Windows VM: the shell executor with Windows PowerShell
 * (present on every Windows Server image; Docker-in-Docker does not exist on Windows), builds and
 * cache under {@link WINDOWS_RUNNER_DIR}.
 */
export function windowsRunnerConfig(input: RenderInput): string {
  return stringify({
    concurrent: input.flavor.jobSlots,
    check_interval: 3,
    listen_address: RUNNER_METRICS_ADDRESS,
    runners: [
      {
        ...runnerEntry(input),
        executor: 'shell',
        shell: 'powershell',
        builds_dir: `${WINDOWS_RUNNER_DIR}\\builds`,
        cache_dir: `${WINDOWS_RUNNER_DIR}\\cache`,
      },
    ],
  });
}
