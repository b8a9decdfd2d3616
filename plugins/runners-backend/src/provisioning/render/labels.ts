import { LABELS, MANAGER } from '@runner-fleet/plugin-runners-common';
import type { RenderContext } from './names';
import { shortHash } from './hash';
import { ClusterRole, KubeObject, RenderInput } from './types';

export { canonicalJson, shortHash } from './hash';

/** Returns a copy of `labels` without the template-hash label. */
export function withoutHashLabel(
  labels: Record<string, string>,
): Record<string, string> {
  const { [LABELS.templateHash]: _omitted, ...rest } = labels;
  return rest;
}

/**
 * Stamps `runner-fleet.io/template-hash` on an object: the short hash of the object's canonical
 * JSON without that label. The reconciler compares it with the live object's label to skip
 * writes for unchanged objects.
 */
export function withTemplateHash<T extends KubeObject>(object: T): T {
  const labels = withoutHashLabel(object.metadata.labels);
  const unstamped = { ...object, metadata: { ...object.metadata, labels } };
  return {
    ...unstamped,
    metadata: {
      ...unstamped.metadata,
      labels: { ...labels, [LABELS.templateHash]: shortHash(unstamped) },
    },
  };
}

/** Labels of team-scoped objects: no pool or flavor, so all pools of a team render them alike. */
export function teamLabels(team: string): Record<string, string> {
  return { [LABELS.managedBy]: MANAGER, [LABELS.team]: team };
}

/** Labels every pool-scoped object carries. */
export function poolLabels(input: RenderInput): Record<string, string> {
  return {
    ...teamLabels(input.pool.team),
    [LABELS.pool]: input.pool.id,
    [LABELS.flavor]: input.flavor.name,
  };
}

/** The selector of a pool's VMs in one role; primary and burst selectors never overlap. */
export function workloadSelector(
  input: RenderInput,
  role: ClusterRole,
): Record<string, string> {
  return { [LABELS.pool]: input.pool.id, [LABELS.role]: role };
}

/**
 * Labels of a workload's VMs. `templateContent` is everything that defines a VM (its spec and
 * the rendered boot Secret): its hash goes into the template's template-hash label, so a changed
 * flavor, image, config.toml or token gives new VMs a new hash and lets the reconciler find and
 * replace the old ones (a VMIRS never updates running VMIs itself).
 */
export function vmTemplateLabels(
  ctx: RenderContext,
  role: ClusterRole,
  templateContent: unknown,
): Record<string, string> {
  const labels = {
    ...poolLabels(ctx.input),
    ...workloadSelector(ctx.input, role),
  };
  return {
    ...labels,
    [LABELS.templateHash]: shortHash({
      labels: withoutHashLabel(labels),
      templateContent,
    }),
  };
}
