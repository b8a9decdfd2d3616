import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  Flavor,
  FlavorCatalog,
  PoolSpec,
  QuotaUsage,
  poolReservation,
  toCustomFlavor,
} from '@runner-fleet/plugin-runners-common';
import { formatCost } from '@runner-fleet/plugin-runners-react';
import { useRunnersConfig } from '../../hooks/useRunnersConfig';
import { FormValidation } from './usePoolValidation';
import { QuotaPreview, exceedsQuota } from './QuotaPreview';

const REASONS: Record<string, string> = {
  'custom-flavor': 'a custom flavor above the approval thresholds',
  'over-quota': 'more than the team quota',
};

/** The flavor a spec resolves to on the client, if it can. */
function clientFlavor(
  spec: PoolSpec,
  catalog: FlavorCatalog,
): Flavor | undefined {
  if (typeof spec.flavor === 'string') {
    return catalog.flavors.find(f => f.name === spec.flavor);
  }
  const f = spec.flavor;
  return [f.cpu, f.memoryGiB, f.diskGiB].every(Number.isFinite)
    ? toCustomFlavor(f, catalog.custom)
    : undefined;
}

/** Quota impact, approval, cost and the submit button, beside the form. */
export function RequestSummary(props: {
  spec: PoolSpec;
  catalog: FlavorCatalog;
  quota?: QuotaUsage;
  validation: FormValidation;
  /** How many messages the form shows now (they wait for a blur or a submit). */
  shownErrors: number;
  /** The user tried to submit. */
  submitted: boolean;
  submitting: boolean;
  onSubmit: () => void;
}) {
  const { spec, catalog, validation, shownErrors, submitting, onSubmit } =
    props;
  const { server } = validation;
  const { costUnit } = useRunnersConfig();
  const flavor = server?.flavor ?? clientFlavor(spec, catalog);
  const max = spec.autoscaling.maxReplicas;
  const reservation =
    server?.reservation ??
    (flavor && Number.isInteger(max)
      ? poolReservation(flavor, spec.autoscaling)
      : undefined);
  const quota = server?.quota ?? props.quota;
  const overQuota = exceedsQuota(quota, reservation);
  const reasons = new Set<string>(server?.approvalReasons ?? []);
  if (validation.customNeedsApproval) reasons.add('custom-flavor');
  // Over quota is the platform team's call, not a dead end.
  if (overQuota) reasons.add('over-quota');
  const needsApproval = reasons.size > 0 || !!server?.needsApproval;
  // Clicking with unseen errors reveals them; once they show, the button waits for fixes.
  const blocked = validation.errors.length > 0 && props.submitted;
  const min = spec.autoscaling.minReplicas;
  const range =
    Number.isInteger(min) && Number.isInteger(max) && min >= 0 && min <= max;

  return (
    <InfoCard title="Your request">
      <Typography variant="subtitle2" gutterBottom>
        Quota of team {spec.team}
      </Typography>
      <QuotaPreview quota={quota} reservation={reservation} />
      {flavor && range && (
        <Typography variant="body2" paragraph>
          Cost:{' '}
          {min === max
            ? formatCost(flavor.costWeight * max)
            : `${formatCost(flavor.costWeight * min)} to ${formatCost(
                flavor.costWeight * max,
              )}`}{' '}
          {costUnit} per hour ({flavor.name},{' '}
          {min === max ? `${max} VMs` : `${min}–${max} VMs`}; one m1.large
          VM-hour is 1)
        </Typography>
      )}
      {flavor && !range && (
        <Typography variant="body2" color="textSecondary" paragraph>
          Cost: shown once Min VMs and Max VMs are whole numbers and Max VMs is
          at least Min VMs.
        </Typography>
      )}
      {needsApproval && (
        <Box mb={2}>
          <Alert severity="info">
            Needs approval by the platform team:{' '}
            {[...reasons].map(r => REASONS[r] ?? r).join(' and ') ||
              'see the request'}
            . The pool is provisioned once approved.
          </Alert>
        </Box>
      )}
      {overQuota && (
        <Box mb={2}>
          <Alert severity="warning">
            This pool does not fit the team quota: the platform team decides
            whether it may go over. To stay within it, lower max VMs, pick a
            smaller flavor or delete a pool.
          </Alert>
        </Box>
      )}
      {validation.serverError && (
        <Box mb={2}>
          <Alert severity="warning">
            The server could not check the request:{' '}
            {validation.serverError.message}
          </Alert>
        </Box>
      )}
      <Box display="flex" alignItems="center" gridGap={16}>
        <Button
          variant="contained"
          color="primary"
          disabled={blocked || submitting}
          onClick={onSubmit}
        >
          {needsApproval ? 'Request approval' : 'Create pool'}
        </Button>
        <Typography variant="caption" color="textSecondary">
          {validation.checking && 'Checking…'}
          {!validation.checking &&
            shownErrors > 0 &&
            'Fix the marked fields first.'}
        </Typography>
      </Box>
    </InfoCard>
  );
}
