import { stringify } from 'yaml';
import { JOB_DRAIN_SECONDS, RenderContext } from './names';
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

/**
 * The cloud-config of a Linux runner VM:
 * - `bootcmd` formats the flavor-sized scratch disk once and `mounts` puts it on
 *   `/var/lib/docker` (cloud-init's init stage, before docker.service starts), so job images and
 *   DinD layers do not fill the containerDisk overlay;
 * - `write_files` writes config.toml (0600, it holds the token) and a systemd drop-in that stops
 *   gitlab-runner with SIGQUIT, its graceful shutdown: no new jobs, running jobs finish within
 *   the VM's termination grace period;
 * - `runcmd` restarts gitlab-runner, which reads `listen_address` only at start.
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
        path: '/etc/systemd/system/gitlab-runner.service.d/10-runner-fleet.conf',
        owner: 'root:root',
        permissions: '0644',
        content: [
          '[Service]',
          'KillSignal=SIGQUIT',
          // A minute short of the VM's grace period, so the rest of the guest shuts down cleanly.
          `TimeoutStopSec=${JOB_DRAIN_SECONDS - 60}`,
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
