import { AuthorizationV1Api } from '@kubernetes/client-node';
import { changePool, insertTestPool, newTeam } from '../__testUtils__/stack';
import { teamNamespace } from './render';
import { useReconcilerTestbed } from './__testUtils__/reconcilerTestbed';

const { cluster, setup, poolObjects } = useReconcilerTestbed();

describe('Reconciler: Windows pools against the real control plane', () => {
  it('provisions a Windows pool that clones the golden image per VM', async () => {
    const { store, config, reconciler } = await setup();
    const pool = await insertTestPool(store, config, { flavor: 'win.xlarge' });
    await reconciler.reconcile(pool.id);
    const vmPool = (await poolObjects(pool.id)).find(
      o => o.kind === 'VirtualMachinePool',
    );
    const template = (
      vmPool!.spec as {
        virtualMachineTemplate: {
          spec: {
            dataVolumeTemplates: Array<{
              spec: {
                sourceRef: { kind: string; namespace: string; name: string };
              };
            }>;
          };
        };
      }
    ).virtualMachineTemplate.spec;
    expect(template.dataVolumeTemplates).toHaveLength(1);
    expect(template.dataVolumeTemplates[0].spec.sourceRef).toEqual({
      kind: 'DataSource',
      namespace: 'runner-fleet-images',
      name: 'windows-2022-golden',
    });
  });

  it('lets the team namespace clone the golden image while it has a Windows pool, and no longer after the last one', async () => {
    const { store, config, reconciler } = await setup();
    const team = newTeam();
    const namespace = teamNamespace(team);
    const auth = cluster.kubeConfig('admin').makeApiClient(AuthorizationV1Api);
    // What CDI's AuthorizeSA asks when KubeVirt creates a VM's clone (vm.go, "default" SA).
    const mayClone = async (ns: string) =>
      (
        await auth.createSubjectAccessReview({
          body: {
            spec: {
              user: `system:serviceaccount:${ns}:default`,
              groups: [
                'system:serviceaccounts',
                `system:serviceaccounts:${ns}`,
                'system:authenticated',
              ],
              resourceAttributes: {
                namespace: 'runner-fleet-images',
                verb: 'create',
                group: 'cdi.kubevirt.io',
                resource: 'datavolumes',
                subresource: 'source',
              },
            },
          },
        })
      ).status?.allowed === true;
    expect(await mayClone(namespace)).toBe(false);

    const first = await insertTestPool(store, config, {
      team,
      name: 'win-a',
      flavor: 'win.xlarge',
    });
    const second = await insertTestPool(store, config, {
      team,
      name: 'win-b',
      flavor: 'win.xlarge',
    });
    await reconciler.reconcile(first.id);
    await reconciler.reconcile(second.id);
    expect(await mayClone(namespace)).toBe(true);
    // only this team's VMs, and only their `default` ServiceAccount
    expect(await mayClone(teamNamespace(newTeam()))).toBe(false);

    const remove = async (id: string) => {
      await changePool(
        store,
        id,
        {},
        {
          state: 'deleting',
          reason: 'test',
          code: 'Draining',
        },
      );
      for (let i = 0; i < 5; i++) {
        const result = await reconciler.reconcile(id);
        if (!result || result.state === 'deleted') return;
      }
    };
    await remove(first.id);
    expect(await mayClone(namespace)).toBe(true); // win-b still clones
    await remove(second.id);
    expect(await mayClone(namespace)).toBe(false);
  });
});
