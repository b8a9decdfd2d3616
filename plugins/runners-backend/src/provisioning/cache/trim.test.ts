import { LABELS } from '@runner-fleet/plugin-runners-common';
import { renderSecret } from '../render/secrets';
import { DATA_HASHES, sameSecretData, trimSecret, trimVmi } from './trim';

const vmi = {
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachineInstance',
  metadata: {
    name: 'rf-builds-abcde',
    namespace: 'runners-payments',
    uid: 'u-1',
    resourceVersion: '42',
    creationTimestamp: '2026-12-04T10:00:00Z',
    labels: { [LABELS.pool]: 'p1', [LABELS.templateHash]: 'h1' },
    annotations: {
      'kubevirt.io/latest-observed-api-version': 'v1',
      'runner-fleet.io/note': 'kept',
    },
    managedFields: [{ manager: 'virt-handler', fieldsV1: {} }],
    ownerReferences: [{ kind: 'VirtualMachineInstanceReplicaSet' }],
  },
  spec: {
    domain: { firmware: { uuid: 'F00D' }, devices: { disks: [] } },
    volumes: [{ name: 'cloudinitdisk' }],
  },
  status: {
    phase: 'Running',
    nodeName: 'worker-1',
    conditions: [
      { type: 'Ready', status: 'True', lastProbeTime: null, reason: 'x' },
    ],
    guestOSInfo: { id: 'ubuntu' },
    interfaces: [{ ipAddress: '10.0.0.1' }],
  },
};

describe('trimmed watch-cache objects', () => {
  it('keeps of a VMI what the health view, sweeper and rollout read, and nothing else', () => {
    expect(trimVmi(vmi)).toEqual({
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: {
        name: 'rf-builds-abcde',
        namespace: 'runners-payments',
        uid: 'u-1',
        resourceVersion: '42',
        creationTimestamp: '2026-12-04T10:00:00Z',
        labels: vmi.metadata.labels,
        annotations: { 'runner-fleet.io/note': 'kept' },
        ownerReferences: vmi.metadata.ownerReferences,
      },
      spec: { domain: { firmware: { uuid: 'F00D' } } },
      status: {
        phase: 'Running',
        nodeName: 'worker-1',
        conditions: [{ type: 'Ready', status: 'True', reason: 'x' }],
      },
    });
  });

  it('keeps no Secret value, only a hash per key that tells a changed value apart', () => {
    const ctx = {
      namespace: 'runners-payments',
      names: {},
      input: {
        pool: { id: 'p1', team: 'payments' },
        flavor: { name: 'm1.large' },
      },
    } as unknown as Parameters<typeof renderSecret>[0];
    const rendered = renderSecret(ctx, 'rf-builds-token', { token: 'glrt-1' });
    const live = trimSecret({
      ...rendered,
      metadata: { ...rendered.metadata, resourceVersion: '7' },
    });
    expect(JSON.stringify(live)).not.toContain(
      Buffer.from('glrt-1').toString('base64'),
    );
    expect(live.data).toBeUndefined();
    expect(Object.keys(live[DATA_HASHES] as object)).toEqual(['token']);
    expect(sameSecretData(live, rendered)).toBe(true);
    expect(
      sameSecretData(
        live,
        renderSecret(ctx, 'rf-builds-token', { token: 'glrt-2' }),
      ),
    ).toBe(false);
    expect(
      sameSecretData(
        live,
        renderSecret(ctx, 'rf-builds-token', { token: 'glrt-1', extra: 'x' }),
      ),
    ).toBe(false);
  });
});
