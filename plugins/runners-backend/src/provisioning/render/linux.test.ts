import { LABELS } from '@runner-fleet/plugin-runners-common';
import { objectKey } from './kinds';
import { renderPool } from './renderPool';
import { secretText } from './secrets';
import {
  TEST_RUNNER_TOKEN,
  at,
  configTomlFromCloudInit,
  exampleFlavor,
  exampleRenderInput,
  findObject,
} from './testing';

describe('renderPool for a Linux pool on its primary cluster', () => {
  const input = exampleRenderInput();
  const objects = renderPool(input);
  const vmirs = findObject(objects, 'VirtualMachineInstanceReplicaSet');

  it('renders the pool objects in apply order, in the team namespace', () => {
    expect(objects.map(objectKey)).toEqual([
      'Namespace/runners-payments',
      'ResourceQuota/runners-payments/runner-fleet',
      'NetworkPolicy.networking.k8s.io/runners-payments/runner-fleet-runner-vms',
      'Secret/runners-payments/rf-builds-token',
      'Secret/runners-payments/rf-builds-cloudinit',
      'Secret/runners-payments/rf-builds-metrics-auth',
      'TriggerAuthentication.keda.sh/runners-payments/rf-builds-metrics',
      'VirtualMachineInstanceReplicaSet.kubevirt.io/runners-payments/rf-builds',
      'ScaledObject.keda.sh/runners-payments/rf-builds',
    ]);
  });

  it('labels the namespace with the team and manager only', () => {
    expect(findObject(objects, 'Namespace').metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'runner-fleet',
      'runner-fleet.io/team': 'payments',
      'runner-fleet.io/template-hash': expect.stringMatching(/^[0-9a-f]{12}$/),
    });
  });

  it('keeps the token in the token Secret under key token', () => {
    const secret = findObject(objects, 'Secret', 'rf-builds-token');
    expect(secret.type).toBe('Opaque');
    expect(secretText(secret, 'token')).toBe(TEST_RUNNER_TOKEN);
  });

  it('sizes the VMs from the flavor: cores, guest memory, full CPU request', () => {
    const domain = at(vmirs, 'spec', 'template', 'spec', 'domain');
    expect(at(domain, 'cpu')).toEqual({ cores: 4 });
    expect(at(domain, 'memory')).toEqual({ guest: '6Gi' });
    // the scratch disk (emptyDisk, 80 GiB for m1.large) lives in node-local storage
    expect(at(domain, 'resources')).toEqual({
      requests: { cpu: '4', 'ephemeral-storage': '80Gi' },
    });
  });

  it('boots the containerDisk image with cloud-init from the Secret on the pod network', () => {
    const spec = at(vmirs, 'spec', 'template', 'spec');
    expect(at(spec, 'volumes')).toEqual([
      {
        name: 'rootdisk',
        containerDisk: { image: 'quay.io/runner-fleet/gitlab-runner-vm:17.11' },
      },
      {
        name: 'cloudinitdisk',
        cloudInitNoCloud: { secretRef: { name: 'rf-builds-cloudinit' } },
      },
      { name: 'docker', emptyDisk: { capacity: '80Gi' } },
    ]);
    expect(at(spec, 'networks')).toEqual([{ name: 'default', pod: {} }]);
    expect(at(spec, 'domain', 'devices', 'interfaces')).toEqual([
      { name: 'default', masquerade: {} },
    ]);
    const diskNames = (
      at(spec, 'domain', 'devices', 'disks') as { name: string }[]
    ).map(d => d.name);
    expect(diskNames).toEqual(['rootdisk', 'cloudinitdisk', 'docker']);
  });

  it('selects VMs by pool and role, and the template carries those labels', () => {
    const selector = at(vmirs, 'spec', 'selector', 'matchLabels');
    const templateLabels = at(
      vmirs,
      'spec',
      'template',
      'metadata',
      'labels',
    ) as Record<string, string>;
    expect(selector).toEqual({
      [LABELS.pool]: input.pool.id,
      [LABELS.role]: 'primary',
    });
    for (const [key, value] of Object.entries(selector as object)) {
      expect(templateLabels[key]).toBe(value);
    }
    expect(templateLabels).toMatchObject({
      [LABELS.team]: 'payments',
      [LABELS.flavor]: 'm1.large',
      [LABELS.templateHash]: expect.stringMatching(/^[0-9a-f]{12}$/),
    });
  });

  it('leaves spec.replicas to KEDA', () => {
    expect(at(vmirs, 'spec', 'replicas')).toBeUndefined();
  });

  it('writes a config.toml that parses back with the pool token, URL and job slots', () => {
    const secret = findObject(objects, 'Secret', 'rf-builds-cloudinit');
    const { userdata, file, toml } = configTomlFromCloudInit(secret);
    expect(userdata.startsWith('#cloud-config\n')).toBe(true);
    expect(file.permissions).toBe('0600');
    expect(toml.concurrent).toBe(2);
    expect(toml.listen_address).toBe(':9252');
    expect(toml.runners).toEqual([
      expect.objectContaining({
        name: 'payments/builds',
        url: 'https://gitlab.example.com',
        token: TEST_RUNNER_TOKEN,
        executor: 'docker',
        docker: expect.objectContaining({ privileged: true }),
      }),
    ]);
  });

  it('mounts the scratch disk for Docker, drains jobs on stop and starts the runner', () => {
    const secret = findObject(objects, 'Secret', 'rf-builds-cloudinit');
    const { cloudConfig } = configTomlFromCloudInit(secret);
    expect(cloudConfig.mounts[0].slice(0, 2)).toEqual([
      'LABEL=docker',
      '/var/lib/docker',
    ]);
    const dropIn = cloudConfig.write_files.find(f =>
      f.path.startsWith('/etc/systemd/system/gitlab-runner.service.d/'),
    );
    expect(dropIn?.content).toContain('KillSignal=SIGQUIT');
    expect(cloudConfig.runcmd).toContainEqual([
      'systemctl',
      'restart',
      'gitlab-runner',
    ]);
  });

  it('follows the flavor: m1.xlarge gets 8 cores, 16Gi and 4 job slots', () => {
    const bigger = renderPool(
      exampleRenderInput({ flavor: exampleFlavor('m1.xlarge') }),
    );
    const domain = at(
      findObject(bigger, 'VirtualMachineInstanceReplicaSet'),
      'spec',
      'template',
      'spec',
      'domain',
    );
    expect(at(domain, 'cpu', 'cores')).toBe(8);
    expect(at(domain, 'memory', 'guest')).toBe('16Gi');
    const { toml } = configTomlFromCloudInit(
      findObject(bigger, 'Secret', 'rf-builds-cloudinit'),
    );
    expect(toml.concurrent).toBe(4);
  });
});
