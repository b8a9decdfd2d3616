import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  createTemplateAction,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { Pool } from '@runner-fleet/plugin-runners-common';
import { RunnersService } from '@runner-fleet/plugin-runners-node';
import { callApi } from './apiErrors';
import { examples } from './createPool.examples';
import { poolUrl } from './poolUrl';
import { toPoolSpec } from './poolSpec';

/** Clocks of the scaffolder and the runners backend may differ this much. */
const CLOCK_SKEW_MS = 5_000;

type CreatedPool = {
  poolId: string;
  state: string;
  stateReason: string;
  requestId?: string;
};

/**
 * Whether an existing pool is the one an earlier run of this same step created before the
 * task was interrupted: created by the same user after the step first started.
 */
function createdByThisStep(
  pool: Pool,
  credentials: BackstageCredentials,
  stepStartedAt: number,
) {
  const principal = credentials.principal as { userEntityRef?: string };
  return (
    principal.userEntityRef !== undefined &&
    pool.createdBy === principal.userEntityRef &&
    Date.parse(pool.createdAt) >= stepStartedAt - CLOCK_SKEW_MS
  );
}

/**
 * Input of `runners:pool:create`, declared rather than inferred from the schema so that the API
 * report prints the same type on every machine (a type, not an interface: scaffolder inputs are
 * JSON objects).
 *
 * @public
 */
export type RunnersPoolCreateInput = {
  team: string;
  name: string;
  minReplicas: number;
  maxReplicas: number;
  gitlabScope: { type: 'group' | 'instance' | 'project'; path?: string };
  flavor?: string;
  customFlavor?: {
    os: 'linux' | 'windows';
    cpu: number;
    memoryGiB: number;
    diskGiB: number;
    jobSlots?: number;
  };
  tags?: string[];
  runUntagged?: boolean;
  targetUtilization?: number;
  scaleToZero?: boolean;
  burst?: boolean;
  description?: string;
};

/** Output of `runners:pool:create`. @public */
export type RunnersPoolCreateOutput = {
  poolId: string;
  state: string;
  stateReason: string;
  poolUrl: string;
  requestId?: string;
};

/**
 * Creates the `runners:pool:create` action: asks for a runner pool on behalf of the user who
 * runs the template, with the same permissions, validation, quota and approvals as the portal.
 *
 * @public
 */
export function createRunnersPoolCreateAction(options: {
  runners: RunnersService;
  appBaseUrl: string;
}): TemplateAction<RunnersPoolCreateInput, RunnersPoolCreateOutput, 'v2'> {
  const { runners, appBaseUrl } = options;
  return createTemplateAction({
    id: 'runners:pool:create',
    description:
      'Asks for a GitLab runner pool for a team. The pool is provisioned in the background ' +
      '(or waits for the platform team to approve a custom flavor); use runners:pool:wait to ' +
      'wait until it is ready.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        team: z =>
          z.string({
            description:
              "The owning team: a catalog Group name ('payments') or ref ('group:default/payments')",
          }),
        name: z =>
          z.string({ description: 'Pool name, unique per team; a DNS label' }),
        flavor: z =>
          z
            .string({ description: "A standard flavor, e.g. 'm1.large'" })
            .optional(),
        customFlavor: z =>
          z
            .object(
              {
                os: z.enum(['linux', 'windows']),
                cpu: z.number().int(),
                memoryGiB: z.number().int(),
                diskGiB: z.number().int(),
                jobSlots: z.number().int().optional(),
              },
              {
                description:
                  'A team-specific shape instead of a standard flavor; above the approval threshold it waits for the platform team',
              },
            )
            .optional(),
        minReplicas: z =>
          z.number({ description: 'Fewest VMs the pool keeps' }).int(),
        maxReplicas: z =>
          z.number({ description: 'Most VMs the pool scales to' }).int(),
        tags: z =>
          z.array(z.string(), { description: 'GitLab runner tags' }).optional(),
        runUntagged: z =>
          z
            .boolean({
              description:
                'Also run untagged jobs (default: only when there are no tags)',
            })
            .optional(),
        targetUtilization: z =>
          z
            .number({
              description:
                'Share of job slots that should be busy before scaling out, e.g. 0.3 (default: the platform setting)',
            })
            .optional(),
        scaleToZero: z =>
          z
            .boolean({
              description:
                'Run no VM while no job waits (default: when minReplicas is 0)',
            })
            .optional(),
        burst: z =>
          z
            .boolean({
              description: 'Overflow to the burst cluster at maxReplicas',
            })
            .optional(),
        gitlabScope: z =>
          z.object(
            {
              type: z.enum(['instance', 'group', 'project']),
              path: z.string().optional(),
            },
            {
              description:
                "Where the runner is registered, e.g. { type: group, path: 'engineering/payments' }",
            },
          ),
        description: z =>
          z.string({ description: 'What the pool is for' }).optional(),
      },
      output: {
        poolId: z => z.string({ description: 'The pool id' }),
        state: z =>
          z.string({
            description: "'provisioning', or 'pending-approval' when it waits",
          }),
        stateReason: z =>
          z.string({ description: 'Why the pool is in its state' }),
        poolUrl: z =>
          z.string({ description: "The pool's page in the portal" }),
        requestId: z =>
          z
            .string({
              description: 'The approval request, when the pool waits for one',
            })
            .optional(),
      },
    },
    async handler(ctx) {
      const spec = toPoolSpec(ctx.input);
      const what = `pool ${spec.team}/${spec.name}`;
      const credentials = await ctx.getInitiatorCredentials();

      if (ctx.isDryRun) {
        const { pool } = await callApi(`could not create ${what}`, () =>
          runners.createPool(spec, { credentials, dryRun: true }),
        );
        ctx.logger.info(
          `Dry run: ${what} with ${pool.flavor.name} (${pool.flavor.cpu} vCPU / ${pool.flavor.memoryGiB} GiB), ` +
            `${pool.spec.autoscaling.minReplicas}-${pool.spec.autoscaling.maxReplicas} VMs, would be ${pool.state}: ${pool.stateReason}. Nothing was created.`,
        );
        ctx.output('poolId', pool.id);
        ctx.output('state', pool.state);
        ctx.output('stateReason', pool.stateReason);
        ctx.output('poolUrl', poolUrl(appBaseUrl, pool.id));
        return;
      }

      const stepStartedAt = await ctx.checkpoint({
        key: 'create-started',
        fn: () => Date.now(),
      });
      const created = await ctx.checkpoint<CreatedPool>({
        key: 'create-pool',
        fn: async () => {
          const existing = await callApi(`could not look up ${what}`, () =>
            runners.findPool(spec.team, spec.name, { credentials }),
          );
          if (
            existing &&
            createdByThisStep(existing, credentials, stepStartedAt)
          ) {
            ctx.logger.info(
              `${what} was already created by an earlier run of this step; reusing it`,
            );
            return {
              poolId: existing.id,
              state: existing.state,
              stateReason: existing.stateReason,
            };
          }
          const { pool, request } = await callApi(
            `could not create ${what}`,
            () => runners.createPool(spec, { credentials }),
          );
          return {
            poolId: pool.id,
            state: pool.state,
            stateReason: pool.stateReason,
            ...(request && { requestId: request.id }),
          };
        },
      });

      const url = poolUrl(appBaseUrl, created.poolId);
      ctx.logger.info(`${what} is ${created.state}: ${created.stateReason}`);
      if (created.requestId) {
        ctx.logger.info(
          `It waits for the platform team to approve request ${created.requestId}`,
        );
      }
      ctx.logger.info(`Follow it at ${url}`);
      ctx.output('poolId', created.poolId);
      ctx.output('state', created.state);
      ctx.output('stateReason', created.stateReason);
      ctx.output('poolUrl', url);
      if (created.requestId) ctx.output('requestId', created.requestId);
    },
  });
}
