import { createHash } from 'node:crypto';
import { stringify as toToml } from 'smol-toml';
import { stringify as toYaml } from 'yaml';
import { Manifest } from './cluster';

// Objects shaped like the ones the product renders (plugins/runners-backend render/), written out
// here because the simulator never imports product code.

/** gitlab-runner's config.toml as the product renders it (enough of it for the simulator). */
export function runnerConfigToml(options: {
  url: string;
  token: string;
  concurrent: number;
  executor?: string;
}): string {
  return toToml({
    concurrent: options.concurrent,
    check_interval: 3,
    listen_address: ':9252',
    runners: [
      {
        name: 'test/pool',
        url: options.url,
        token: options.token,
        limit: options.concurrent,
        executor: options.executor ?? 'docker',
      },
    ],
  });
}

/** A `#cloud-config` user data writing config.toml, like the product's cloud-init Secret. */
export function cloudConfig(toml: string): string {
  return `#cloud-config\n${toYaml(
    {
      write_files: [
        {
          path: '/etc/gitlab-runner/config.toml',
          owner: 'root:root',
          permissions: '0600',
          content: toml,
        },
        {
          // As the product's: .runner_system_id from the hostname (the VMI name).
          path: '/usr/local/sbin/runner-fleet-system-id',
          permissions: '0755',
          content:
            '#!/bin/sh\nset -eu\nprintf \'s_%s\\n\' "$(printf \'%s\' "$(hostname)" | sha256sum | cut -c1-12)"\n',
        },
      ],
      runcmd: [
        [
          'sh',
          '-c',
          '/usr/local/sbin/runner-fleet-system-id > /etc/gitlab-runner/.runner_system_id',
        ],
        ['systemctl', 'restart', 'gitlab-runner'],
      ],
    },
    { lineWidth: 0 },
  )}`;
}

/** A Linux VMIRS shaped like the product's: selector, labelled template, cloud-init Secret. */
export function linuxReplicaSet(
  name: string,
  secretName: string,
  replicas?: number,
): Manifest {
  const labels = {
    'runner-fleet.io/pool': name,
    'runner-fleet.io/role': 'primary',
  };
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstanceReplicaSet',
    metadata: {
      name,
      labels: { ...labels, 'app.kubernetes.io/managed-by': 'runner-fleet' },
    },
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      selector: { matchLabels: labels },
      template: {
        metadata: { labels: { ...labels, 'runner-fleet.io/team': 'payments' } },
        spec: {
          terminationGracePeriodSeconds: 3600,
          domain: {
            cpu: { cores: 4 },
            memory: { guest: '6Gi' },
            devices: {
              disks: [
                { name: 'rootdisk', disk: { bus: 'virtio' } },
                { name: 'cloudinitdisk', disk: { bus: 'virtio' } },
              ],
            },
          },
          volumes: [
            {
              name: 'rootdisk',
              containerDisk: { image: 'quay.io/containerdisks/ubuntu:24.04' },
            },
            {
              name: 'cloudinitdisk',
              cloudInitNoCloud: { secretRef: { name: secretName } },
            },
          ],
        },
      },
    },
  };
}

/** Creates a group runner in the emulator as the product's backend does; returns id and token. */
export async function createRunner(
  apiUrl: string,
  token: string,
  tags: string[],
): Promise<{ id: number; token: string }> {
  const response = await fetch(`${apiUrl}/user/runners`, {
    method: 'POST',
    headers: { 'private-token': token, 'content-type': 'application/json' },
    body: JSON.stringify({
      runner_type: 'group_type',
      group_id: 3,
      tag_list: tags,
      description: 'test pool',
    }),
  });
  if (response.status !== 201)
    throw new Error(`creating a runner answered ${response.status}`);
  return (await response.json()) as { id: number; token: string };
}

/** The sysprep Secret's entries as the product renders them (answer file, script, config.toml). */
export function sysprepData(toml: string): Record<string, string> {
  const answer =
    '<?xml version="1.0" encoding="utf-8"?>\n<unattend xmlns="urn:schemas-microsoft-com:unattend"></unattend>\n';
  return {
    'autounattend.xml': answer,
    'unattend.xml': answer,
    'runner-fleet.ps1': "& 'C:\\GitLab-Runner\\gitlab-runner.exe' start\r\n",
    'config.toml': toml,
  };
}

/** A Windows VirtualMachinePool shaped like the product's: per-VM clone of a golden DataSource. */
export function windowsPool(options: {
  name: string;
  sysprepSecret: string;
  golden: { namespace: string; name: string };
  replicas: number;
  diskGi: number;
}): Manifest {
  const labels = {
    'runner-fleet.io/pool': options.name,
    'runner-fleet.io/role': 'primary',
  };
  const disk = `${options.name}-disk`;
  return {
    apiVersion: 'pool.kubevirt.io/v1beta1',
    kind: 'VirtualMachinePool',
    metadata: { name: options.name, labels },
    spec: {
      replicas: options.replicas,
      selector: { matchLabels: labels },
      scaleInStrategy: {
        proactive: {
          selectionPolicy: { sortPolicy: 'DescendingOrder' },
          statePreservation: 'Disabled',
        },
      },
      virtualMachineTemplate: {
        metadata: { labels },
        spec: {
          runStrategy: 'Always',
          dataVolumeTemplates: [
            {
              metadata: { name: disk },
              spec: {
                sourceRef: { kind: 'DataSource', ...options.golden },
                storage: {
                  resources: { requests: { storage: `${options.diskGi}Gi` } },
                },
              },
            },
          ],
          template: {
            metadata: { labels },
            spec: {
              terminationGracePeriodSeconds: 3600,
              domain: {
                cpu: { cores: 8 },
                memory: { guest: '16Gi' },
                features: {
                  acpi: {},
                  apic: {},
                  hyperv: { relaxed: {}, vapic: {} },
                },
                devices: {
                  disks: [
                    { name: 'rootdisk', disk: { bus: 'virtio' }, bootOrder: 1 },
                    { name: 'sysprep', cdrom: { bus: 'sata' } },
                  ],
                },
              },
              volumes: [
                { name: 'rootdisk', dataVolume: { name: disk } },
                {
                  name: 'sysprep',
                  sysprep: { secret: { name: options.sysprepSecret } },
                },
              ],
            },
          },
        },
      },
    },
  };
}

/** The system_id the guest script above writes for a VMI (s_ + sha256(name)[0:12]). */
export function guestSystemId(vmiName: string): string {
  return `s_${createHash('sha256').update(vmiName).digest('hex').slice(0, 12)}`;
}
