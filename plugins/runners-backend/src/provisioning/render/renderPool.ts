import { InputError } from '@backstage/errors';
import { Flavor, LABELS } from '@runner-fleet/plugin-runners-common';
import { renderCloneRoleBinding } from './cloneAccess';
import { renderCloudInitSecret } from './cloudInit';
import { renderScaledObject, renderTriggerAuthentication } from './keda';
import { renderLinuxWorkload } from './linuxWorkload';
import { assertRenderable, renderContext, teamNamespace } from './names';
import { renderRunnerNetworkPolicy } from './networkPolicy';
import { renderMetricsAuthSecret, renderTokenSecret } from './secrets';
import { renderSysprepSecret } from './sysprep';
import { renderNamespace, renderResourceQuota } from './team';
import { KubeObject, RenderInput } from './types';
import { goldenImageRef, renderWindowsWorkload } from './windowsWorkload';

/**
 * Whether a flavor can overflow to a burst cluster. Windows cannot: each burst VM would clone the
 * ~60 GB golden image across to the public cloud on scale-out, far slower than the demand it is
 * meant to absorb, and the golden image would have to be kept on every burst cluster.
 *
 * @public
 */
export function burstSupported(flavor: Pick<Flavor, 'os'>): boolean {
  return flavor.os === 'linux';
}

function assertScaling(input: RenderInput): void {
  const { scaling } = input;
  const window = scaling.scaleDownStabilizationSeconds;
  if (!Number.isInteger(window) || window < 0 || window > 3600) {
    throw new Error(
      `scaleDownStabilizationSeconds must be a whole number from 0 to 3600 (KEDA's limit), got ${window}`,
    );
  }
  if (scaling.pollingIntervalSeconds < 1 || scaling.cooldownSeconds < 0) {
    throw new Error(
      'pollingIntervalSeconds must be at least 1 and cooldownSeconds at least 0',
    );
  }
}

/**
 * The team-scoped objects on a cluster: the team namespace, on the primary cluster its
 * ResourceQuota, and the NetworkPolicy of its runner VMs. Identical for every pool of the team.
 *
 * @public
 */
export function renderTeam(
  input: Pick<
    RenderInput,
    'pool' | 'cluster' | 'teamQuota' | 'options' | 'network'
  >,
): KubeObject[] {
  const team = input.pool.team;
  const namespace = teamNamespace(team, input.options?.namespacePrefix);
  const objects = [renderNamespace(team, namespace)];
  if (input.cluster.role === 'primary') {
    objects.push(renderResourceQuota(team, namespace, input.teamQuota));
  }
  objects.push(renderRunnerNetworkPolicy(team, namespace, input.network));
  return objects;
}

/**
 * Renders every Kubernetes object of one pool on one cluster, in apply order: team namespace and
 * quota, (Windows) the RoleBinding that lets the team namespace clone the golden image, token Secret, boot Secret (cloud-init or sysprep), metrics-auth Secret,
 * TriggerAuthentication, workload (VMIRS or VirtualMachinePool), ScaledObject.
 *
 * On a burst cluster, a pool without `autoscaling.burst` renders nothing (so the reconciler prunes
 * whatever it had there); otherwise it renders a `-burst` replica set with `role=burst` labels
 * and no ResourceQuota. Pure and deterministic: the same input gives byte-identical JSON.
 *
 * @throws InputError for a Windows pool on a burst cluster (see {@link burstSupported}).
 * @public
 */
export function renderPool(input: RenderInput): KubeObject[] {
  assertRenderable(input);
  assertScaling(input);
  const { pool, flavor, cluster } = input;
  const role = cluster.role;
  if (role === 'burst' && !pool.spec.autoscaling.burst) {
    return [];
  }
  if (role === 'burst' && !burstSupported(flavor)) {
    throw new InputError(
      `pool '${pool.team}/${pool.name}' uses Windows flavor '${flavor.name}', which cannot burst: turn autoscaling.burst off or choose a Linux flavor`,
    );
  }
  const ctx = renderContext(input);
  const windows = flavor.os === 'windows';
  const bootSecret = windows
    ? renderSysprepSecret(ctx)
    : renderCloudInitSecret(ctx);
  const bootSecretHash = bootSecret.metadata.labels[LABELS.templateHash];
  const workload = windows
    ? renderWindowsWorkload(ctx, bootSecretHash)
    : renderLinuxWorkload(ctx, role, bootSecretHash);
  const cloneAccess = windows
    ? [
        renderCloneRoleBinding(
          pool.team,
          ctx.namespace,
          goldenImageRef(flavor.image).namespace,
        ),
      ]
    : [];
  return [
    ...renderTeam(input),
    ...cloneAccess,
    renderTokenSecret(ctx),
    bootSecret,
    renderMetricsAuthSecret(ctx),
    renderTriggerAuthentication(ctx),
    workload,
    renderScaledObject(ctx, role, workload),
  ];
}
