import { stringify } from 'yaml';
import { drainTimings, RenderContext } from './names';
import { RUNNER_SYSTEM_ID_FILE } from './runnerSystemId';
import { linuxRunnerConfig, renderSecret } from './secrets';
import { KubeObject } from './types';

/** Path of gitlab-runner's config when it runs as root (the system service). */
export const LINUX_RUNNER_CONFIG_PATH = '/etc/gitlab-runner/config.toml';

/**
 * Serial of the scratch disk that holds `/var/lib/docker`; the guest sees it as
 * `/dev/disk/by-id/virtio-<serial>` whatever order the disks enumerate in.
 */
export const DOCKER_DISK_SERIAL = 'docker';

/** The Secret key KubeVirt reads NoCloud user data from (`cloudInitNoCloud.secretRef`). */
export const USERDATA_KEY = 'userdata';

const DOCKER_DISK = `/dev/disk/by-id/virtio-${DOCKER_DISK_SERIAL}`;

/** gitlab-runner reads `system_id` from this file beside its config.toml. */
export const LINUX_SYSTEM_ID_PATH = `/etc/gitlab-runner/${RUNNER_SYSTEM_ID_FILE}`;

/** The script that prints this VM's `system_id` (see `vmiRunnerSystemId`). */
export const LINUX_SYSTEM_ID_SCRIPT = '/usr/local/sbin/runner-fleet-system-id';

/** Drop-in of gitlab-runner.service: identity, ordering and graceful stop. */
export const LINUX_RUNNER_DROP_IN =
  '/etc/systemd/system/gitlab-runner.service.d/10-runner-fleet.conf';

/** Drop-in of poweroff.target: the power-off waits as long as the drain may take. */
export const LINUX_POWEROFF_DROP_IN =
  '/etc/systemd/system/poweroff.target.d/10-runner-fleet.conf';

/**
 * Prints `s_` + the first 12 hex digits of SHA-256 of the hostname, which KubeVirt sets to the
 * VMI name: the format gitlab-runner accepts (`^[sr]_[0-9a-zA-Z]{12}$`) and the value the backend
 * derives from the VMI. It fails rather than print an empty hash.
 */
const SYSTEM_ID_SCRIPT = [
  '#!/bin/sh',
  'set -eu',
  'name=$(hostname)',
  '[ -n "$name" ]',
  'hash=$(printf \'%s\' "$name" | sha256sum | cut -c1-12)',
  'printf \'s_%s\\n\' "$hash"',
  '',
].join('\n');

/**
 * gitlab-runner.service additions:
 * - `After=`/`Requires=` docker and containerd: systemd stops units in reverse start order, so at
 *   shutdown gitlab-runner is stopped (and drained) before the container runtime that runs the
 *   jobs, instead of in parallel with it;
 * - `ExecStartPre=` writes `.runner_system_id` before every start, after cloud-init set the
 *   hostname, so the runner never falls back to a random or machine-id `system_id`;
 * - SIGQUIT is gitlab-runner's graceful stop: no new jobs, running ones finish.
 */
function runnerDropIn(): string {
  return [
    '[Unit]',
    'After=docker.service containerd.service',
    'Requires=docker.service containerd.service',
    '',
    '[Service]',
    `ExecStartPre=/bin/sh -c '${LINUX_SYSTEM_ID_SCRIPT} > ${LINUX_SYSTEM_ID_PATH}'`,
    'KillSignal=SIGQUIT',
    `TimeoutStopSec=${drainTimings().runnerStopSeconds}`,
    '',
  ].join('\n');
}

/**
 * The cloud-config of a Linux runner VM:
 * - `bootcmd` formats the flavor-sized scratch disk once and `mounts` puts it on
 *   `/var/lib/docker` (cloud-init's init stage, before docker.service starts), so job images and
 *   DinD layers do not fill the containerDisk overlay;
 * - `write_files` writes config.toml (0600, it holds the token), the `system_id` script, the
 *   gitlab-runner drop-in (see `runnerDropIn`) and a `poweroff.target` drop-in whose
 *   `JobTimeoutSec` replaces systemd's 30-minute forced power-off by the drain budget
 *   ({@link drainTimings});
 * - `runcmd` restarts gitlab-runner, which reads `listen_address` and `system_id` only at start.
 */
export function linuxUserData(ctx: RenderContext): string {
  const cloudConfig = {
    bootcmd: [
      [
        'sh',
        '-c',
        `if [ -b ${DOCKER_DISK} ] && ! blkid ${DOCKER_DISK}; then mkfs.ext4 -q -L docker ${DOCKER_DISK}; fi`,
      ],
    ],
    mounts: [
      ['LABEL=docker', '/var/lib/docker', 'ext4', 'defaults,nofail', '0', '2'],
    ],
    write_files: [
      {
        path: LINUX_RUNNER_CONFIG_PATH,
        owner: 'root:root',
        permissions: '0600',
        content: linuxRunnerConfig(ctx.input),
      },
      {
        path: LINUX_SYSTEM_ID_SCRIPT,
        owner: 'root:root',
        permissions: '0755',
        content: SYSTEM_ID_SCRIPT,
      },
      {
        path: LINUX_RUNNER_DROP_IN,
        owner: 'root:root',
        permissions: '0644',
        content: runnerDropIn(),
      },
      {
        path: LINUX_POWEROFF_DROP_IN,
        owner: 'root:root',
        permissions: '0644',
        content: [
          '[Unit]',
          `JobTimeoutSec=${drainTimings().poweroffTimeoutSeconds}`,
          '',
        ].join('\n'),
      },
    ],
    runcmd: [
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', 'gitlab-runner'],
      ['systemctl', 'restart', 'gitlab-runner'],
    ],
  };
  return `#cloud-config\n${stringify(cloudConfig, { lineWidth: 0 })}`;
}

/** The Secret `rf-<pool>-cloudinit` with the user data under key `userdata`. */
export function renderCloudInitSecret(ctx: RenderContext): KubeObject {
  return renderSecret(ctx, ctx.names.cloudInitSecret, {
    [USERDATA_KEY]: linuxUserData(ctx),
  });
}
