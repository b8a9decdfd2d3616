// A VMI of a Linux runner pool as KubeVirt 1.x serves it, for the cache-heap benchmarks.
import { LABELS, MANAGER } from '@runner-fleet/plugin-runners-common';
import { trimVmi } from '../../src/provisioning/cache/trim';

const ts = (s: number) =>
  new Date(Date.UTC(2026, 11, 4, 10, 0, s)).toISOString();
const fieldsTree = (keys: string[]) =>
  Object.fromEntries(keys.map(k => [`f:${k}`, {}]));

/** A VMI of a Linux runner pool as KubeVirt 1.x serves it (labels, managedFields, status). */
export function kubevirtVmi(i: number): Record<string, unknown> {
  const pool = `00000000-0000-4000-8000-${String(i % 1000).padStart(12, '0')}`;
  const name = `rf-pool-${i % 1000}-${i.toString(36).padStart(5, '0')}`;
  const uid = `4f6c${String(i).padStart(8, '0')}-1d2e-4c5b-9a8f-0123456789ab`;
  const conditions = [
    'Ready',
    'LiveMigratable',
    'StorageLiveMigratable',
    'AgentConnected',
    'Provisioning',
  ].map((type, c) => ({
    type,
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: ts(c),
    ...(c === 4 ? { reason: 'Provisioned', message: 'done' } : {}),
  }));
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: {
      name,
      generateName: `rf-pool-${i % 1000}-`,
      namespace: `runners-team-${i % 25}`,
      uid,
      resourceVersion: String(100_000 + i),
      generation: 12,
      creationTimestamp: ts(0),
      labels: {
        [LABELS.managedBy]: MANAGER,
        [LABELS.team]: `team-${i % 25}`,
        [LABELS.pool]: pool,
        [LABELS.flavor]: 'm1.large',
        [LABELS.role]: 'primary',
        [LABELS.templateHash]: '3f2a9c1b7d0e',
        'kubevirt.io/nodeName': `worker-${i % 40}`,
        'kubevirt.io/vmpool': name.slice(0, -6),
      },
      annotations: {
        'kubevirt.io/latest-observed-api-version': 'v1',
        'kubevirt.io/storage-observed-api-version': 'v1',
        'kubevirt.io/vm-generation': '1',
        'kubevirt.io/libvirt-domain-uuid': uid,
      },
      finalizers: [
        'kubevirt.io/virtualMachineControllerFinalize',
        'foregroundDeleteVirtualMachine',
      ],
      ownerReferences: [
        {
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachineInstanceReplicaSet',
          name: `rf-pool-${i % 1000}`,
          uid: `0a1b2c3d-0000-4000-8000-${String(i % 1000).padStart(12, '0')}`,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      managedFields: [
        {
          manager: 'virt-controller',
          operation: 'Update',
          apiVersion: 'kubevirt.io/v1',
          time: ts(1),
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': {
              'f:annotations': fieldsTree([
                'kubevirt.io/latest-observed-api-version',
                'kubevirt.io/storage-observed-api-version',
                'kubevirt.io/vm-generation',
              ]),
              'f:finalizers': {
                '.': {},
                'v:"kubevirt.io/virtualMachineControllerFinalize"': {},
              },
              'f:generateName': {},
              'f:labels': fieldsTree(Object.values(LABELS)),
              'f:ownerReferences': { '.': {}, [`k:{"uid":"${uid}"}`]: {} },
            },
            'f:spec': {
              'f:domain': {
                'f:cpu': fieldsTree(['cores', 'model', 'sockets', 'threads']),
                'f:devices': fieldsTree(['disks', 'interfaces', 'rng']),
                'f:firmware': fieldsTree(['serial', 'uuid']),
                'f:machine': fieldsTree(['type']),
                'f:memory': fieldsTree(['guest']),
                'f:resources': fieldsTree(['requests', 'limits']),
              },
              'f:evictionStrategy': {},
              'f:networks': {},
              'f:terminationGracePeriodSeconds': {},
              'f:volumes': {},
            },
            'f:status': fieldsTree([
              'activePods',
              'conditions',
              'guestOSInfo',
              'interfaces',
              'launcherContainerImageVersion',
              'migrationMethod',
              'migrationTransport',
              'phase',
              'phaseTransitionTimestamps',
              'qosClass',
              'selinuxContext',
              'virtualMachineRevisionName',
              'volumeStatus',
            ]),
          },
        },
        {
          manager: 'virt-handler',
          operation: 'Update',
          apiVersion: 'kubevirt.io/v1',
          time: ts(40),
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': { 'f:labels': fieldsTree(['kubevirt.io/nodeName']) },
            'f:status': fieldsTree([
              'conditions',
              'currentCPUTopology',
              'guestOSInfo',
              'interfaces',
              'machine',
              'memory',
              'nodeName',
              'phase',
              'volumeStatus',
            ]),
          },
        },
      ],
    },
    spec: {
      architecture: 'amd64',
      domain: {
        cpu: { cores: 4, model: 'host-model', sockets: 1, threads: 1 },
        devices: {
          disks: [
            { disk: { bus: 'virtio' }, name: 'containerdisk' },
            { disk: { bus: 'virtio' }, name: 'cloudinitdisk' },
          ],
          interfaces: [{ masquerade: {}, name: 'default' }],
          rng: {},
        },
        features: { acpi: { enabled: true } },
        firmware: { serial: uid, uuid: uid },
        machine: { type: 'q35' },
        memory: { guest: '8Gi' },
        resources: {
          requests: { cpu: '4', memory: '8Gi' },
          limits: { cpu: '4', memory: '8Gi' },
        },
      },
      evictionStrategy: 'None',
      networks: [{ name: 'default', pod: {} }],
      terminationGracePeriodSeconds: 3600,
      volumes: [
        {
          containerDisk: {
            image:
              'registry.example.com/runner-fleet/ubuntu-runner:24.04-20261201',
            imagePullPolicy: 'IfNotPresent',
          },
          name: 'containerdisk',
        },
        {
          cloudInitNoCloud: {
            secretRef: { name: `rf-pool-${i % 1000}-cloudinit` },
          },
          name: 'cloudinitdisk',
        },
      ],
    },
    status: {
      activePods: { [`pod-${uid}`]: `worker-${i % 40}` },
      conditions,
      currentCPUTopology: { cores: 4, sockets: 1, threads: 1 },
      guestOSInfo: {
        id: 'ubuntu',
        kernelRelease: '6.8.0-49-generic',
        kernelVersion: '#49-Ubuntu SMP PREEMPT_DYNAMIC',
        name: 'Ubuntu',
        prettyName: 'Ubuntu 24.04.1 LTS',
        version: '24.04',
        versionId: '24.04',
      },
      interfaces: [
        {
          infoSource: 'domain, guest-agent',
          interfaceName: 'enp1s0',
          ipAddress: `10.244.${i % 250}.${i % 200}`,
          ipAddresses: [
            `10.244.${i % 250}.${i % 200}`,
            `fd10:244::${i.toString(16)}`,
          ],
          linkState: 'up',
          mac: '52:54:00:12:34:56',
          name: 'default',
          podInterfaceName: 'eth0',
          queueCount: 1,
        },
      ],
      launcherContainerImageVersion:
        'quay.io/kubevirt/virt-launcher:v1.4.0@sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
      machine: { type: 'pc-q35-rhel9.4.0' },
      memory: {
        guestAtBoot: '8Gi',
        guestCurrent: '8Gi',
        guestRequested: '8Gi',
      },
      migrationMethod: 'BlockMigration',
      migrationTransport: 'Unix',
      nodeName: `worker-${i % 40}`,
      phase: 'Running',
      phaseTransitionTimestamps: [
        'Pending',
        'Scheduling',
        'Scheduled',
        'Running',
      ].map((phase, p) => ({ phase, phaseTransitionTimestamp: ts(p * 10) })),
      qosClass: 'Guaranteed',
      selinuxContext: 'system_u:object_r:container_file_t:s0:c123,c456',
      virtualMachineRevisionName: `revision-start-vm-${uid}-1`,
      volumeStatus: [
        {
          containerDiskVolume: { checksum: 3735928559 },
          name: 'containerdisk',
          target: 'vda',
        },
        { name: 'cloudinitdisk', size: 1048576, target: 'vdb' },
      ],
    },
  };
}

/**
 * Heap (bytes) of `count` VMIs, each parsed from its own JSON text as a list or watch delivers
 * it, kept whole or trimmed. Needs `node --expose-gc`.
 */
export function vmiHeap(count: number, trimmed: boolean): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const parsed = JSON.parse(JSON.stringify(kubevirtVmi(i)));
    kept.push(trimmed ? trimVmi(parsed) : parsed);
  }
  gc();
  const bytes = process.memoryUsage().heapUsed - before;
  if (kept.length !== count) throw new Error('lost objects');
  return bytes;
}
