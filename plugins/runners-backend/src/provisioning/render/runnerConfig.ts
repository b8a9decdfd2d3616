import { stringify } from 'smol-toml';
import { RenderInput } from './types';

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
