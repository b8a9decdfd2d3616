import { LABELS } from '@runner-fleet/plugin-runners-common';
import { objectKey } from './kinds';
import { renderPool } from './renderPool';
import { at, exampleRenderInput, findObject, withAutoscaling } from './testing';
import { RenderInput } from './types';

function onBurstCluster(input: RenderInput): RenderInput {
  return { ...input, cluster: { name: 'public-cloud', role: 'burst' } };
}

function selectorMatches(
  selector: Record<string, string>,
  labels: Record<string, string>,
): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

describe('burst capacity', () => {
  const primaryInput = withAutoscaling(exampleRenderInput(), {
    burst: true,
    burstMaxReplicas: 20,
  });
  const primary = renderPool(primaryInput);
  const burst = renderPool(onBurstCluster(primaryInput));
  const primaryVmirs = findObject(primary, 'VirtualMachineInstanceReplicaSet');
  const burstVmirs = findObject(burst, 'VirtualMachineInstanceReplicaSet');

  it('renders nothing on a burst cluster for a pool that does not burst', () => {
    expect(renderPool(onBurstCluster(exampleRenderInput()))).toEqual([]);
  });

  it('renders the Secrets, a -burst replica set and its ScaledObject, but no quota', () => {
    expect(burst.map(objectKey)).toEqual([
      'Namespace/runners-payments',
      'NetworkPolicy.networking.k8s.io/runners-payments/runner-fleet-runner-vms',
      'Secret/runners-payments/rf-builds-token',
      'Secret/runners-payments/rf-builds-cloudinit',
      'Secret/runners-payments/rf-builds-metrics-auth',
      'TriggerAuthentication.keda.sh/runners-payments/rf-builds-metrics',
      'VirtualMachineInstanceReplicaSet.kubevirt.io/runners-payments/rf-builds-burst',
      'ScaledObject.keda.sh/runners-payments/rf-builds-burst',
    ]);
  });

  it('gives burst VMs labels that neither selector shares with the other', () => {
    const templateLabels = (o: unknown) =>
      at(o, 'spec', 'template', 'metadata', 'labels') as Record<string, string>;
    const selector = (o: unknown) =>
      at(o, 'spec', 'selector', 'matchLabels') as Record<string, string>;
    expect(templateLabels(burstVmirs)[LABELS.role]).toBe('burst');
    expect(templateLabels(primaryVmirs)[LABELS.role]).toBe('primary');
    expect(
      selectorMatches(selector(burstVmirs), templateLabels(burstVmirs)),
    ).toBe(true);
    expect(
      selectorMatches(selector(primaryVmirs), templateLabels(burstVmirs)),
    ).toBe(false);
    expect(
      selectorMatches(selector(burstVmirs), templateLabels(primaryVmirs)),
    ).toBe(false);
  });

  it('scales the burst set from 0 to burstMaxReplicas on the overflow figures', () => {
    const scaledObject = findObject(burst, 'ScaledObject');
    expect(at(scaledObject, 'spec', 'scaleTargetRef', 'name')).toBe(
      'rf-builds-burst',
    );
    expect(at(scaledObject, 'spec', 'minReplicaCount')).toBe(0);
    expect(at(scaledObject, 'spec', 'maxReplicaCount')).toBe(20);
    const locations = (
      at(scaledObject, 'spec', 'triggers') as {
        metadata: { valueLocation: string };
      }[]
    ).map(t => t.metadata.valueLocation);
    expect(locations).toEqual([
      'overflow.busyJobSlots',
      'overflow.pendingJobs',
    ]);
  });

  it('falls back to maxReplicas when burstMaxReplicas is not set', () => {
    const input = withAutoscaling(primaryInput, {
      burstMaxReplicas: undefined,
    });
    const scaledObject = findObject(
      renderPool(onBurstCluster(input)),
      'ScaledObject',
    );
    expect(at(scaledObject, 'spec', 'maxReplicaCount')).toBe(5);
  });

  it('leaves the primary objects untouched when burst is switched on', () => {
    expect(JSON.stringify(primary)).toBe(
      JSON.stringify(renderPool(exampleRenderInput())),
    );
  });
});
