import Step from '@material-ui/core/Step';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import Typography from '@material-ui/core/Typography';
import { PoolState } from '@runner-fleet/plugin-runners-common';

const WITH_APPROVAL = ['Requested', 'Approved', 'Provisioning', 'Ready'];
const WITHOUT_APPROVAL = ['Requested', 'Provisioning', 'Ready'];

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
              {i === failedStep && state === 'rejected' ? 'Rejected' : label}
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
