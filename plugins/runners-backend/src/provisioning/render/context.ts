import { LABELS } from '@runner-fleet/plugin-runners-common';
import { shortHash, withoutHashLabel } from './hash';
import {
  DEFAULT_NAMESPACE_PREFIX,
  poolLabels,
  poolObjectNames,
  teamNamespace,
  workloadSelector,
} from './names';
import { ClusterRole, RenderInput } from './types';

/** What every pool renderer works from: the input and what is derived from it once. */
export interface RenderContext {
  input: RenderInput;
  namespace: string;
  names: ReturnType<typeof poolObjectNames>;
}

/** Builds the context for one rendering. */
export function renderContext(input: RenderInput): RenderContext {
  return {
    input,
    namespace: teamNamespace(
      input.pool.team,
      input.options?.namespacePrefix ?? DEFAULT_NAMESPACE_PREFIX,
    ),
    names: poolObjectNames(input.pool.name),
  };
}

/**
 * How long a VM may take to shut down: gitlab-runner stops taking jobs and finishes the running
 * ones first (SIGQUIT on Linux), so scale-in does not kill jobs of up to an hour.
 */
export const JOB_DRAIN_SECONDS = 3600;

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
