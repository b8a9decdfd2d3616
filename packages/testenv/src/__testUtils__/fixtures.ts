import { Obj } from './objects';

const labels = (pool: string) => ({
  'app.kubernetes.io/managed-by': 'runner-fleet',
  'runner-fleet.io/pool': pool,
  'runner-fleet.io/team': 'platform',
});

/** A Linux runner replica set as the backend renders it: containerDisk, cloud-init Secret. */
export function vmirs(name: string): Obj {
  const vmLabels = { ...labels(name), 'runner-fleet.io/role': 'primary' };
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstanceReplicaSet',
    metadata: { name, labels: labels(name) },
    spec: {
      replicas: 1,
      selector: { matchLabels: vmLabels },
      template: {
        metadata: { labels: vmLabels },
        spec: {
          terminationGracePeriodSeconds: 600,
          domain: {
            cpu: { cores: 4 },
            memory: { guest: '6Gi' },
            resources: { requests: { cpu: '4' } },
            devices: {
              disks: [
                { name: 'containerdisk', disk: { bus: 'virtio' } },
                { name: 'cloudinit', disk: { bus: 'virtio' } },
              ],
              interfaces: [{ name: 'default', masquerade: {} }],
            },
          },
          networks: [{ name: 'default', pod: {} }],
          volumes: [
            {
              name: 'containerdisk',
              containerDisk: {
                image: 'quay.io/containerdisks/ubuntu:24.04',
              },
            },
            {
              name: 'cloudinit',
              cloudInitNoCloud: { secretRef: { name: `${name}-cloudinit` } },
            },
          ],
        },
      },
    },
  };
}

/** A Windows runner pool (v1beta1): each VM clones the golden PVC through a DataVolume. */
export function virtualMachinePool(name: string): Obj {
  const vmLabels = { ...labels(name), 'runner-fleet.io/role': 'primary' };
  return {
    apiVersion: 'pool.kubevirt.io/v1beta1',
    kind: 'VirtualMachinePool',
    metadata: { name, labels: labels(name) },
    spec: {
      replicas: 1,
      selector: { matchLabels: vmLabels },
      virtualMachineTemplate: {
        metadata: { labels: vmLabels },
        spec: {
          runStrategy: 'Always',
          dataVolumeTemplates: [
            {
              metadata: { name: `${name}-disk` },
              spec: {
                source: {
                  pvc: {
                    namespace: 'runner-fleet-images',
                    name: 'windows-2022-golden',
                  },
                },
                storage: { resources: { requests: { storage: '80Gi' } } },
              },
            },
          ],
          template: {
            metadata: { labels: vmLabels },
            spec: {
              domain: {
                cpu: { cores: 8 },
                memory: { guest: '16Gi' },
                devices: {
                  disks: [
                    { name: 'rootdisk', disk: { bus: 'virtio' }, bootOrder: 1 },
                    { name: 'sysprep', cdrom: { bus: 'sata' } },
                  ],
                },
              },
              volumes: [
                { name: 'rootdisk', dataVolume: { name: `${name}-disk` } },
                {
                  name: 'sysprep',
                  sysprep: { secret: { name: `${name}-sysprep` } },
                },
              ],
            },
          },
        },
      },
    },
  };
}

/** A DataVolume cloning the golden image PVC from another namespace. */
export function dataVolume(name: string): Obj {
  return {
    apiVersion: 'cdi.kubevirt.io/v1beta1',
    kind: 'DataVolume',
    metadata: { name },
    spec: {
      source: {
        pvc: { namespace: 'runner-fleet-images', name: 'windows-2022-golden' },
      },
      storage: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '80Gi' } },
      },
    },
  };
}

/**
 * A KEDA ScaledObject on a replica set: metrics-api trigger with `AverageValue` (utilisation
 * target 30% of 4 job slots), authentication by TriggerAuthentication, HPA behaviour.
 */
export function scaledObject(
  name: string,
  target: string,
  overrides: Record<string, unknown> = {},
): Obj {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name },
    spec: {
      scaleTargetRef: {
        apiVersion: 'kubevirt.io/v1',
        kind: 'VirtualMachineInstanceReplicaSet',
        name: target,
      },
      minReplicaCount: 1,
      maxReplicaCount: 10,
      pollingInterval: 15,
      cooldownPeriod: 300,
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: {
            scaleDown: {
              stabilizationWindowSeconds: 300,
              policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
            },
          },
        },
      },
      triggers: [
        {
          type: 'metrics-api',
          metricType: 'AverageValue',
          metadata: {
            url: 'http://runner-fleet-backend.runner-fleet:7007/api/runners/scaling/p1',
            valueLocation: 'busySlots',
            targetValue: '1.2',
            authMode: 'bearer',
          },
          authenticationRef: { name: `${name}-metrics` },
        },
      ],
      ...overrides,
    },
  };
}

/** The TriggerAuthentication mapping the metrics bearer token from a Secret. */
export function triggerAuthentication(name: string): Obj {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'TriggerAuthentication',
    metadata: { name },
    spec: {
      secretTargetRef: [
        { parameter: 'token', name: `${name}-auth`, key: 'token' },
      ],
    },
  };
}
