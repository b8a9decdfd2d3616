import Step from '@material-ui/core/Step';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import Typography from '@material-ui/core/Typography';
import { PoolState } from '@runner-fleet/plugin-runners-common';

const WITH_APPROVAL = ['Requested', 'Approval', 'Provisioning', 'Ready'];
const WITHOUT_APPROVAL = ['Requested', 'Provisioning', 'Ready'];

/**
 * A step's label for the state: the approval step says "Waiting for approval" while it waits
 * (it must not read "Approved" before anyone approved), "Approved" once passed.
 */
function stepLabel(
  label: string,
  i: number,
  active: number,
  failedStep: number | undefined,
  state: PoolState,
): string {
  if (i === failedStep) {
    if (state === 'rejected') return 'Rejected';
    return `${label} failed`;
  }
  if (label === 'Approval') {
    return i < active ? 'Approved' : 'Waiting for approval';
  }
  return label;
}

/** Where in its lifecycle a pool is; shown until it is ready. */
export function ProvisioningProgress(props: {
  state: PoolState;
  reason: string;
  /** Whether an approval was part of the way (a custom flavor, or over quota). */
  approval: boolean;
}) {
  const { state, reason } = props;
  const approval =
    props.approval || state === 'pending-approval' || state === 'rejected';
  const steps = approval ? WITH_APPROVAL : WITHOUT_APPROVAL;
  let active = 0;
  let failedStep: number | undefined;
  switch (state) {
    case 'pending-approval':
      active = 1;
      break;
    case 'rejected':
      active = 1;
      failedStep = 1;
      break;
    case 'provisioning':
      active = steps.indexOf('Provisioning');
      break;
    case 'failed':
      active = steps.indexOf('Provisioning');
      failedStep = active;
      break;
    default:
      active = steps.length;
  }
  return (
    <div aria-label="Provisioning progress">
      <Stepper activeStep={active} alternativeLabel>
        {steps.map((label, i) => (
          <Step key={label} completed={i < active}>
            <StepLabel error={i === failedStep}>
              {stepLabel(label, i, active, failedStep, state)}
            </StepLabel>
          </Step>
        ))}
      </Stepper>
      <Typography variant="body2" color="textSecondary" align="center">
        {reason}
      </Typography>
    </div>
  );
}
