import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { ApprovalRequest } from '@runner-fleet/plugin-runners-common';
import {
  formatCost,
  useFlavors,
  usePool,
  useQuotas,
} from '@runner-fleet/plugin-runners-react';
import { useRunnersConfig } from '../../hooks/useRunnersConfig';
import { ApprovalContext, QuotaStep, approvalContext } from './approvalContext';

const OS_LABEL = { linux: 'Linux', windows: 'Windows' };

/** Loads what approving a request means: its pool, the team's quota and the flavor catalog. */
export function useApprovalContext(request: ApprovalRequest): {
  context?: ApprovalContext;
  loading: boolean;
  error?: Error;
} {
  const pool = usePool(request.poolId);
  const quotas = useQuotas(request.team);
  const flavors = useFlavors();
  if (pool.loading) return { loading: true };
  if (!pool.value) return { loading: false, error: pool.error };
  const usage = quotas.value?.find(q => q.team === request.team);
  return {
    loading: false,
    context: approvalContext(request, pool.value, usage, flavors.value),
  };
}

function step(label: string, s: QuotaStep, unit = '') {
  const over =
    s.after > s.limit ? ` (over by ${s.after - s.limit}${unit})` : '';
  return `${label} ${s.before}${unit} → ${s.after}${unit} of ${s.limit}${unit}${over}`;
}

/** Shape, max VMs, quota before/after, cost, the requester's reason and the team, for approvers. */
export function RequestContext(props: { request: ApprovalRequest }) {
  const { request } = props;
  const { costUnit } = useRunnersConfig();
  const entityRoute = useRouteRef(entityRouteRef);
  const { context, loading, error } = useApprovalContext(request);
  const line = (label: string, text: React.ReactNode) => (
    <Typography variant="body2" component="div">
      <strong>{label}:</strong> {text}
    </Typography>
  );
  if (loading) {
    return <Typography variant="caption">Loading the details…</Typography>;
  }
  if (!context) {
    return (
      <Typography variant="caption" color="textSecondary">
        Could not load the pool's details{error ? `: ${error.message}` : ''}.
      </Typography>
    );
  }
  const { spec, flavor, quota, cost, reason } = context;
  const a = spec.autoscaling;
  return (
    <Box mt={1} data-testid={`approval-context-${request.id}`}>
      {line(
        'Shape',
        flavor
          ? `${flavor.name}: ${flavor.cpu} vCPU / ${
              flavor.memoryGiB
            } GiB memory, ${OS_LABEL[flavor.os]}`
          : 'unknown flavor',
      )}
      {line('Max VMs', `${a.maxReplicas} (min ${a.minReplicas})`)}
      {quota &&
        line(
          `Quota of team ${request.team}`,
          [
            step('vCPU', quota.cpu),
            step('memory', quota.memoryGiB, ' GiB'),
            step('pools', quota.pools),
          ].join('; '),
        )}
      {cost &&
        line(
          'Cost',
          `${
            cost.minPerHour === cost.maxPerHour
              ? formatCost(cost.maxPerHour)
              : `${formatCost(cost.minPerHour)} to ${formatCost(
                  cost.maxPerHour,
                )}`
          } ${costUnit} per hour; up to ${formatCost(
            cost.maxPerMonth,
          )} ${costUnit} per month at max VMs`,
        )}
      {line('Reason', reason ?? 'none given')}
      <Typography variant="body2" component="div">
        <Link
          to={entityRoute({
            kind: 'group',
            namespace: 'default',
            name: request.team,
          })}
        >
          Team {request.team} in the catalog
        </Link>
      </Typography>
    </Box>
  );
}
