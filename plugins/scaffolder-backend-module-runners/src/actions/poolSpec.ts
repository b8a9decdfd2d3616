import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CustomFlavorRequest,
  GitLabScope,
  PoolSpec,
} from '@runner-fleet/plugin-runners-common';

/** What `runners:pool:create` takes; mirrors the fields of the portal's request form. */
export type CreatePoolInput = {
  team: string;
  name: string;
  flavor?: string;
  customFlavor?: CustomFlavorRequest;
  minReplicas: number;
  maxReplicas: number;
  tags?: string[];
  runUntagged?: boolean;
  targetUtilization?: number;
  scaleToZero?: boolean;
  burst?: boolean;
  gitlabScope: { type: GitLabScope['type']; path?: string };
  description?: string;
};

/**
 * The team's catalog Group name. Accepts `payments` as well as `group:default/payments`, which
 * is what the scaffolder's group pickers produce.
 */
export function teamName(team: string): string {
  let ref;
  try {
    ref = parseEntityRef(team.trim(), {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
  } catch {
    throw new InputError(`team: '${team}' is not a team name or group ref`);
  }
  if (
    ref.kind.toLocaleLowerCase('en-US') !== 'group' ||
    ref.namespace !== 'default'
  ) {
    throw new InputError(
      `team: '${team}' is not a team; use a catalog Group in the default namespace, e.g. 'payments' or 'group:default/payments'`,
    );
  }
  return ref.name;
}

/**
 * The pool spec to send. Fields the user left out are left out here too, so the runners
 * backend fills in the platform's defaults (the configured target utilisation, scale to zero
 * when minReplicas is 0, run untagged jobs when there are no tags) exactly as it does for the
 * portal form.
 */
export function toPoolSpec(input: CreatePoolInput): PoolSpec {
  if ((input.flavor === undefined) === (input.customFlavor === undefined)) {
    throw new InputError(
      'flavor: give either flavor (a standard flavor name, e.g. m1.large) or customFlavor, not both or neither',
    );
  }
  const spec = {
    team: teamName(input.team),
    name: input.name,
    description: input.description || undefined,
    flavor: input.flavor ?? input.customFlavor,
    autoscaling: {
      minReplicas: input.minReplicas,
      maxReplicas: input.maxReplicas,
      targetUtilization: input.targetUtilization,
      scaleToZero: input.scaleToZero,
      burst: input.burst,
    },
    gitlab: {
      scope: input.gitlabScope,
      tags: input.tags,
      runUntagged: input.runUntagged,
    },
  };
  // RunnersService types the request as a complete stored PoolSpec; the API accepts the optional
  // fields left out (see PoolSpec in the runners OpenAPI spec) and JSON drops the undefined ones.
  return spec as PoolSpec;
}
