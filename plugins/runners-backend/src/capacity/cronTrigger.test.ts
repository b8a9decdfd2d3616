import { useTestCluster } from '@runner-fleet/testenv/jest';
import { KubernetesClusterClient } from '../provisioning/ClusterClient';
import { KubeObject, renderPool } from '../provisioning/render';
import {
  exampleRenderInput,
  withAutoscaling,
} from '../provisioning/render/testing';

const cluster = useTestCluster();

type Trigger = {
  type: string;
  name?: string;
  metadata: Record<string, unknown>;
};

/** The pool's primary ScaledObject, moved into the test's namespace. */
function scaledObject(
  schedules: Parameters<typeof withAutoscaling>[1]['schedules'],
  namespace: string,
): KubeObject {
  const objects = renderPool(
    withAutoscaling(exampleRenderInput(), { maxReplicas: 10, schedules }),
  );
  const so = objects.find(o => o.kind === 'ScaledObject')!;
  return { ...so, metadata: { ...so.metadata, namespace } };
}

const triggersOf = (o: KubeObject | undefined) =>
  (o?.spec as { triggers: Trigger[] }).triggers;

describe('schedules as KEDA cron triggers, on the real API server with the upstream KEDA CRD', () => {
  const client = () =>
    KubernetesClusterClient.create({
      name: 'local',
      role: 'primary',
      kubeConfig: cluster.kubeConfig('admin'),
    });

  it('renders one cron trigger per schedule beside the metrics triggers, and the API server keeps them', async () => {
    const so = scaledObject(
      [
        {
          days: '1-5',
          startHour: 8,
          endHour: 10,
          minReplicas: 6,
          timezone: 'UTC',
        },
        {
          days: '1-5',
          startHour: 22,
          endHour: 24,
          minReplicas: 3,
          timezone: 'Europe/Berlin',
        },
      ],
      cluster.namespace,
    );
    await client().apply(so);
    const stored = await client().get(so);
    const triggers = triggersOf(stored);
    expect(triggers.map(t => t.type)).toEqual([
      'metrics-api',
      'metrics-api',
      'cron',
      'cron',
    ]);
    expect(triggers.slice(2)).toEqual([
      {
        type: 'cron',
        name: 'schedule-0',
        metadata: {
          timezone: 'UTC',
          start: '0 8 * * 1-5',
          end: '0 10 * * 1-5',
          desiredReplicas: '6',
        },
      },
      {
        type: 'cron',
        name: 'schedule-1',
        // Midnight would be the next day, outside Monday to Friday.
        metadata: {
          timezone: 'Europe/Berlin',
          start: '0 22 * * 1-5',
          end: '59 23 * * 1-5',
          desiredReplicas: '3',
        },
      },
    ]);
  });

  it('renders no cron trigger for a pool without schedules (its ScaledObject is unchanged)', () => {
    expect(triggersOf(scaledObject(undefined, 'x')).map(t => t.type)).toEqual([
      'metrics-api',
      'metrics-api',
    ]);
  });

  it('is checked for real: the CRD refuses a cron trigger whose replicas are not a string', async () => {
    const so = scaledObject(
      [
        {
          days: '*',
          startHour: 1,
          endHour: 2,
          minReplicas: 2,
          timezone: 'UTC',
        },
      ],
      cluster.namespace,
    );
    const bad = {
      ...so,
      metadata: { ...so.metadata, name: `${so.metadata.name}-bad` },
      spec: {
        ...(so.spec as object),
        triggers: triggersOf(so).map(t =>
          t.type === 'cron'
            ? { ...t, metadata: { ...t.metadata, desiredReplicas: 2 } }
            : t,
        ),
      },
    };
    await expect(client().apply(bad)).rejects.toThrow(/desiredReplicas/);
  });
});
