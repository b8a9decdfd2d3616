import {
  isErrorReason,
  PoolHealthDetail,
  PoolReasonCode,
  PoolState,
  VmHealth,
} from '@runner-fleet/plugin-runners-common';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';

/** What a state means for the user: a severity, a headline, the cause and what to do. */
export interface StateVerdict {
  severity: 'error' | 'warning' | 'info';
  title: string;
  cause: string;
  action?: string;
}

/** Running jobs a draining pool waits for, from its VMs as the fleet cache sees them. */
export function drainingJobs(vms?: VmHealth[]): number {
  return (vms ?? []).reduce((n, vm) => n + vm.runningJobs.length, 0);
}

/**
 * The verdict for a pool's state, or undefined when the state needs no alert (ready, or
 * provisioning that progresses).
 */
export function stateVerdict(
  state: PoolState,
  code: PoolReasonCode,
  reason: string,
  health?: PoolHealthDetail,
): StateVerdict | undefined {
  switch (state) {
    case 'failed':
      return {
        severity: 'error',
        title: 'This pool failed',
        cause: reason || 'no cause was recorded',
        action:
          'Fix the cause (often the GitLab group or project, or a quota), then use Change to try again, or delete the pool.',
      };
    case 'rejected':
      return {
        severity: 'error',
        title: 'The request was rejected',
        cause: reason || 'the approver gave no reason',
        action:
          'Change the request to meet the reason (for example a smaller shape or fewer VMs); a changed request waits for approval again.',
      };
    case 'pending-approval':
      return {
        severity: 'info',
        title: 'Waiting for approval',
        cause: reason || 'a platform approver has to approve this pool',
        action:
          'Nothing runs until a platform approver decides; the request is listed on the Requests page.',
      };
    case 'deleting': {
      const jobs = drainingJobs(health?.vms);
      const draining = code === 'Draining';
      return {
        severity: 'warning',
        title: draining
          ? `Draining — waiting for ${jobs} running job${jobs === 1 ? '' : 's'}`
          : 'Deleting',
        cause: reason || 'the VMs and the GitLab runner are being removed',
        action: draining
          ? 'The runner takes no new jobs; the VMs and the runner are removed when the running jobs finish.'
          : undefined,
      };
    }
    case 'degraded':
      return {
        severity: 'warning',
        title: 'This pool is degraded',
        cause: reason || 'fewer VMs are ready than wanted',
        action:
          'Jobs may wait longer; look at the VMs and the timeline below for the failing part.',
      };
    case 'ready':
      if (code !== 'GoldenImageOutdated') return undefined;
      return {
        severity: 'info',
        title: 'A newer golden image is published',
        cause: reason,
        action:
          'Nothing is needed from the team: the pool keeps serving. The platform team moves Windows pools to the current golden image version with a fleet rollout of the flavor (canary first, VMs replaced idle first, busy ones drained).',
      };
    case 'provisioning':
      if (!isErrorReason(code)) return undefined;
      return {
        severity: 'error',
        title: 'Provisioning is stuck: the last attempt failed',
        cause: reason,
        action:
          'The fleet retries by itself, but this error needs a fix first: correct the GitLab settings with Change, or ask the platform team if the cause is on their side.',
      };
    default:
      return undefined;
  }
}

/** An alert stating what is wrong or pending with the pool, its cause and what to do. */
export function PoolStateAlert(props: {
  state: PoolState;
  code: PoolReasonCode;
  reason: string;
  health?: PoolHealthDetail;
}) {
  const verdict = stateVerdict(
    props.state,
    props.code,
    props.reason,
    props.health,
  );
  if (!verdict) return null;
  return (
    <Alert severity={verdict.severity} aria-label="Pool state">
      <AlertTitle>{verdict.title}</AlertTitle>
      <div>Cause: {verdict.cause}</div>
      {verdict.action && <div>What to do: {verdict.action}</div>}
    </Alert>
  );
}
