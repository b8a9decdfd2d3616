import { LABELS, MANAGER } from '@runner-fleet/plugin-runners-common';
import { ClusterClient } from './ClusterClient';
import {
  cloneRoleBindingName,
  KubeObject,
  renderedKindOf,
  servedKind,
  teamNamespace,
} from './render';

/**
 * The golden-image namespaces a VirtualMachinePool clones from: its DataSource `sourceRef`s, or
 * the pinned source PVCs and snapshots.
 */
export function cloneSourceNamespaces(vmPool: KubeObject): string[] {
  type Ref = { namespace?: string };
  const spec = vmPool.spec as
    | {
        virtualMachineTemplate?: {
          spec?: {
            dataVolumeTemplates?: Array<{
              spec?: {
                sourceRef?: Ref;
                source?: { pvc?: Ref; snapshot?: Ref };
              };
            }>;
          };
        };
      }
    | undefined;
  const templates =
    spec?.virtualMachineTemplate?.spec?.dataVolumeTemplates ?? [];
  return templates
    .map(
      t =>
        t.spec?.sourceRef?.namespace ??
        t.spec?.source?.pvc?.namespace ??
        t.spec?.source?.snapshot?.namespace,
    )
    .filter((ns): ns is string => !!ns);
}

/**
 * Removes a team namespace's clone RoleBinding from the golden-image namespaces a deleted
 * VirtualMachinePool cloned from, unless another Windows pool of the team on that cluster still
 * clones from there. Called after the reconciler deleted `vmPool` (pool deleted, or its flavor
 * moved to Linux). Reads the cluster, not the database, so what is left decides; a pool applied
 * concurrently gets its binding back on its next pass (team objects are re-applied when missing).
 *
 * @returns how many bindings were deleted
 */
export async function releaseCloneAccess(
  cluster: ClusterClient,
  team: string,
  vmPool: KubeObject,
): Promise<number> {
  const poolId = vmPool.metadata.labels?.[LABELS.pool];
  const sources = cloneSourceNamespaces(vmPool);
  if (sources.length === 0) return 0;
  const kind = servedKind(
    renderedKindOf('pool.kubevirt.io/v1beta1', 'VirtualMachinePool'),
    cluster.apis?.vmPoolVersion,
  );
  const others = (
    await cluster.list(kind, {
      [LABELS.managedBy]: MANAGER,
      [LABELS.team]: team,
    })
  ).filter(p => p.metadata.labels?.[LABELS.pool] !== poolId && !isDeleting(p));
  const stillUsed = new Set(others.flatMap(cloneSourceNamespaces));
  let deleted = 0;
  for (const namespace of new Set(sources)) {
    if (stillUsed.has(namespace)) continue;
    const removed = await cluster.delete({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: {
        namespace,
        name: cloneRoleBindingName(teamNamespace(team)),
      },
    });
    if (removed) deleted++;
  }
  return deleted;
}

function isDeleting(object: KubeObject): boolean {
  return !!(object.metadata as { deletionTimestamp?: string })
    .deletionTimestamp;
}
